/**
 * Camera geometry for the thermal renderer: intrinsics from a sensor's FoV and projection, the pose
 * of a side (wall) or overhead (ceiling) mount, world -> image projection and per-subpixel rays.
 *
 * World frame: metres, y up, floor at y = 0; the camera sits at (0, heightM, 0) looking along +z,
 * pitched down by `pitchDeg` (0 = horizontal, 90 = straight down). Camera frame: x right, y down
 * (image rows grow downwards), z forward.
 *
 * Image-plane ("normalised") coordinates (a, b):
 * - rectilinear (pinhole): a = x/z, b = y/z; pixel u = cx + fx*a with fx = (W/2)/tan(hfov/2).
 *   This reproduces src/nn/data/THERMAL.md §3 (e.g. 0.45 m at 1 m on the MLX90640-BAB = 13.8 px).
 * - equidistant (f-theta): a = theta*cos(phi), b = theta*sin(phi) with theta the angle off-axis;
 *   fx = (W/2)/(hfov/2 in rad), so every pixel spans the same angle (the BAA's 3.44°x3.12° IFOV).
 * Pixel coordinates are continuous: pixel column i covers u in [i, i+1).
 */
import type { SensorConfig } from './sensors.js';

export interface Intrinsics {
  width: number;
  height: number;
  projection: SensorConfig['projection'];
  /** Pixels per normalised unit, horizontally and vertically. */
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

export interface CameraPose {
  heightM: number;
  pitchDeg: number;
}

/** A posed camera: intrinsics plus the world-frame basis vectors of the camera axes. */
export interface Camera extends Intrinsics {
  pose: CameraPose;
  /** Camera x (right), y (down), z (forward) axes in world coordinates, [x, y, z] each. */
  right: [number, number, number];
  down: [number, number, number];
  forward: [number, number, number];
}

const DEG = Math.PI / 180;

export function intrinsicsOf(sensor: SensorConfig): Intrinsics {
  const halfH = (sensor.fovHorizontalDeg / 2) * DEG;
  const halfV = (sensor.fovVerticalDeg / 2) * DEG;
  const rect = sensor.projection === 'rectilinear';
  return {
    width: sensor.width,
    height: sensor.height,
    projection: sensor.projection,
    fx: sensor.width / 2 / (rect ? Math.tan(halfH) : halfH),
    fy: sensor.height / 2 / (rect ? Math.tan(halfV) : halfV),
    cx: sensor.width / 2,
    cy: sensor.height / 2,
  };
}

export function poseCamera(intrinsics: Intrinsics, pose: CameraPose): Camera {
  const p = pose.pitchDeg * DEG;
  const s = Math.sin(p);
  const c = Math.cos(p);
  return {
    ...intrinsics,
    pose,
    right: [1, 0, 0],
    down: [0, -c, -s],
    forward: [0, -s, c],
  };
}

/** World point -> camera frame (x right, y down, z forward), written into `out`. */
export function toCamera(cam: Camera, x: number, y: number, z: number, out: Float64Array): void {
  const px = x;
  const py = y - cam.pose.heightM;
  const pz = z;
  out[0] = px * cam.right[0] + py * cam.right[1] + pz * cam.right[2];
  out[1] = px * cam.down[0] + py * cam.down[1] + pz * cam.down[2];
  out[2] = px * cam.forward[0] + py * cam.forward[1] + pz * cam.forward[2];
}

/**
 * Camera-frame point -> normalised image-plane coordinates [a, b]; returns false when the point
 * is behind the camera (or too close to the lens plane to project sensibly).
 */
export function toImagePlane(projection: Intrinsics['projection'], xc: number, yc: number, zc: number,
  out: Float64Array): boolean {
  if (projection === 'rectilinear') {
    if (zc <= 1e-3) return false;
    out[0] = xc / zc;
    out[1] = yc / zc;
    return true;
  }
  const rho = Math.sqrt(xc * xc + yc * yc);
  const theta = Math.atan2(rho, zc);
  if (theta >= Math.PI / 2 - 1e-3) return false;
  const scale = rho > 1e-12 ? theta / rho : 1 / zc;
  out[0] = xc * scale;
  out[1] = yc * scale;
  return true;
}

/**
 * Image-plane size of a sphere of radius r whose centre is at camera-frame (xc, yc, zc):
 * r / z for the pinhole (exact on axis), r / distance (its angular radius) for f-theta.
 */
export function imagePlaneRadius(projection: Intrinsics['projection'], r: number, xc: number, yc: number,
  zc: number): number {
  if (projection === 'rectilinear') return r / zc;
  return r / Math.sqrt(xc * xc + yc * yc + zc * zc);
}

/**
 * Camera-frame ray directions through every subpixel centre of an `oversample`x grid:
 * [dx, dy, dz] per subpixel, row-major. For the pinhole dz = 1, so a ray parameter t is directly
 * the camera-z depth; for f-theta the vector has unit length and depth = t * dz.
 * Depends only on intrinsics, so callers cache it.
 */
export function subpixelRays(k: Intrinsics, oversample: number): Float32Array {
  const sw = k.width * oversample;
  const sh = k.height * oversample;
  const rays = new Float32Array(sw * sh * 3);
  for (let j = 0; j < sh; j++) {
    const b = ((j + 0.5) / oversample - k.cy) / k.fy;
    for (let i = 0; i < sw; i++) {
      const a = ((i + 0.5) / oversample - k.cx) / k.fx;
      const o = (j * sw + i) * 3;
      if (k.projection === 'rectilinear') {
        rays[o] = a;
        rays[o + 1] = b;
        rays[o + 2] = 1;
      } else {
        const theta = Math.sqrt(a * a + b * b);
        const sinc = theta > 1e-12 ? Math.sin(theta) / theta : 1;
        rays[o] = a * sinc;
        rays[o + 1] = b * sinc;
        rays[o + 2] = Math.cos(theta);
      }
    }
  }
  return rays;
}
