/**
 * Rasterisers of the thermal renderer (render.ts): per-resolution subpixel buffers, exact ray-cast
 * axis-aligned boxes, and body capsules drawn in image-plane coordinates, all through one z-buffer
 * on camera-z depth. A subpixel is covered when its centre is inside the shape.
 */
import { intrinsicsOf, subpixelRays, toCamera, toImagePlane, imagePlaneRadius, type Camera } from './camera.js';
import type { Capsule, Cuboid } from './scene.js';
import type { SensorConfig } from './sensors.js';

/** Room subpixels per pixel per axis (when it divides the render oversampling; else full resolution). */
export const ROOM_OVERSAMPLE = 2;

/** Reusable per-resolution buffers; rendering allocates nothing per subpixel. */
export interface Target {
  sw: number;
  sh: number;
  os: number;
  /** Camera-frame rays through the fine subpixels and through the coarse room grid. */
  raysCam: Float32Array;
  roomRays: Float32Array;
  roomOs: number;
  temp: Float32Array;
  depth: Float32Array;
  /** 0 = room, k > 0 = person k-1, k < 0 = object -k-1. */
  owner: Int32Array;
  /** Image-plane coordinates of subpixel centres: a per column, b per row (and 1/a). */
  colA: Float64Array;
  invColA: Float64Array;
  rowB: Float64Array;
  /** Marks subpixels already counted for the current person (value = stampSeq), so body parts overlapping each other count once. */
  coverStamp: Int32Array;
  stampSeq: number;
}

/**
 * Starts a new coverage stamp (one person's or one animal's capsules counted once each subpixel);
 * clears the stamps when the counter would overflow.
 */
export function nextCoverStamp(t: Target): void {
  t.stampSeq = t.stampSeq >= 0x7ffffff0 ? (t.coverStamp.fill(0), 1) : t.stampSeq + 1;
}

const targets = new Map<string, Target>();

export function targetFor(sensor: SensorConfig, os: number): Target {
  const key = [sensor.width, sensor.height, sensor.fovHorizontalDeg, sensor.fovVerticalDeg, sensor.projection, os].join();
  let t = targets.get(key);
  if (!t) {
    const k = intrinsicsOf(sensor);
    const sw = k.width * os;
    const sh = k.height * os;
    const roomOs = os % ROOM_OVERSAMPLE === 0 ? ROOM_OVERSAMPLE : os;
    const colA = new Float64Array(sw);
    const rowB = new Float64Array(sh);
    for (let i = 0; i < sw; i++) colA[i] = ((i + 0.5) / os - k.cx) / k.fx;
    for (let j = 0; j < sh; j++) rowB[j] = ((j + 0.5) / os - k.cy) / k.fy;
    t = {
      sw, sh, os, raysCam: subpixelRays(k, os), roomOs, roomRays: subpixelRays(k, roomOs),
      temp: new Float32Array(sw * sh), depth: new Float32Array(sw * sh), owner: new Int32Array(sw * sh), colA,
      invColA: colA.map((a) => (a !== 0 ? 1 / a : 0)), rowB,
      coverStamp: new Int32Array(sw * sh), stampSeq: 0,
    };
    targets.set(key, t);
  }
  return t;
}

const NEAR_M = 0.05;
/** Scratch vectors for the capsule and bounds code (rendering is single-threaded and not re-entrant). */
const scratchA = new Float64Array(3);
const scratchB = new Float64Array(3);
const scratchEa = new Float64Array(2);
const scratchEb = new Float64Array(2);

/** Ray-casts an axis-aligned box; returns the subpixel bounds it was tested over. */
export function drawCuboid(t: Target, cam: Camera, box: Cuboid, id: number): [number, number, number, number] {
  const bounds = projectedBounds(t, cam, box);
  const [i0, i1, j0, j1] = bounds;
  const h = cam.pose.heightM;
  const { raysCam, temp, depth, owner } = t;
  const [r0, r1, r2] = cam.right;
  const [d0, d1, d2] = cam.down;
  const [f0, f1, f2] = cam.forward;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  if (cam.projection === 'rectilinear' && r0 === 1 && r1 === 0 && r2 === 0 && d0 === 0 && f0 === 0) {
    drawCuboidPinhole(t, cam, box, id, bounds);
    return bounds;
  }
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const s = j * t.sw + i;
      const cx = raysCam[3 * s];
      const cy = raysCam[3 * s + 1];
      const cz = raysCam[3 * s + 2];
      const wx = cx * r0 + cy * d0 + cz * f0;
      const wy = cx * r1 + cy * d1 + cz * f1;
      const wz = cx * r2 + cy * d2 + cz * f2;
      // Slab test; the ray starts at (0, h, 0).
      let tn = -Infinity;
      let tf = Infinity;
      if (wx !== 0) {
        const a = x0 / wx;
        const b = x1 / wx;
        tn = Math.max(tn, Math.min(a, b));
        tf = Math.min(tf, Math.max(a, b));
      } else if (x0 > 0 || x1 < 0) continue;
      if (wy !== 0) {
        const a = (y0 - h) / wy;
        const b = (y1 - h) / wy;
        tn = Math.max(tn, Math.min(a, b));
        tf = Math.min(tf, Math.max(a, b));
      } else if (y0 > h || y1 < h) continue;
      if (wz !== 0) {
        const a = z0 / wz;
        const b = z1 / wz;
        tn = Math.max(tn, Math.min(a, b));
        tf = Math.min(tf, Math.max(a, b));
      } else if (z0 > 0 || z1 < 0) continue;
      if (tn > tf || tn <= 0) continue;
      const d = tn * cz;
      if (d < depth[s]) {
        depth[s] = d;
        temp[s] = box.celsius;
        owner[s] = id;
      }
    }
  }
  return bounds;
}

/**
 * The same slab test for a pinhole camera without yaw or roll: the world ray through (a, b) is
 * (a, b*down_y + fwd_y, b*down_z + fwd_z), so the y and z slabs depend on the row only and the
 * inner loop is left with the x slab (two multiplies). Depth = t because the ray's camera z is 1.
 */
function drawCuboidPinhole(t: Target, cam: Camera, box: Cuboid, id: number, bounds: [number, number, number, number]): void {
  const [i0, i1, j0, j1] = bounds;
  const h = cam.pose.heightM;
  const { colA, invColA, rowB, temp, depth, owner, sw } = t;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const [, d1, d2] = cam.down;
  const [, f1, f2] = cam.forward;
  const c = box.celsius;
  for (let j = j0; j <= j1; j++) {
    const b = rowB[j];
    const wy = b * d1 + f1;
    const wz = b * d2 + f2;
    let tn = -Infinity;
    let tf = Infinity;
    if (wy !== 0) {
      const ta = (y0 - h) / wy;
      const tb = (y1 - h) / wy;
      tn = Math.max(tn, Math.min(ta, tb));
      tf = Math.min(tf, Math.max(ta, tb));
    } else if (y0 > h || y1 < h) continue;
    if (wz !== 0) {
      const ta = z0 / wz;
      const tb = z1 / wz;
      tn = Math.max(tn, Math.min(ta, tb));
      tf = Math.min(tf, Math.max(ta, tb));
    } else if (z0 > 0 || z1 < 0) continue;
    if (tn > tf || tf <= 0) continue;
    const row = j * sw;
    for (let i = i0; i <= i1; i++) {
      let n = tn;
      let f = tf;
      if (colA[i] !== 0) {
        const ta = x0 * invColA[i];
        const tb = x1 * invColA[i];
        if (ta < tb) {
          if (ta > n) n = ta;
          if (tb < f) f = tb;
        } else {
          if (tb > n) n = tb;
          if (ta < f) f = ta;
        }
      } else if (x0 > 0 || x1 < 0) continue;
      if (n > f || n <= 0) continue;
      const s = row + i;
      if (n < depth[s]) {
        depth[s] = n;
        temp[s] = c;
        owner[s] = id;
      }
    }
  }
}

/** Subpixel index bounds [i0, i1, j0, j1] of a cuboid's projection (whole grid if it crosses the lens plane). */
function projectedBounds(t: Target, cam: Camera, box: Cuboid): [number, number, number, number] {
  const p = scratchA;
  const ab = scratchEa;
  let aMin = Infinity;
  let aMax = -Infinity;
  let bMin = Infinity;
  let bMax = -Infinity;
  for (let c = 0; c < 8; c++) {
    toCamera(cam, c & 1 ? box.max[0] : box.min[0], c & 2 ? box.max[1] : box.min[1], c & 4 ? box.max[2] : box.min[2], p);
    if (p[2] < NEAR_M || !toImagePlane(cam.projection, p[0], p[1], p[2], ab)) return [0, t.sw - 1, 0, t.sh - 1];
    aMin = Math.min(aMin, ab[0]);
    aMax = Math.max(aMax, ab[0]);
    bMin = Math.min(bMin, ab[1]);
    bMax = Math.max(bMax, ab[1]);
  }
  // The f-theta projection of a straight edge bends outwards; pad by a pixel to stay conservative.
  const pad = cam.projection === 'equidistant' ? 1 : 0;
  return subpixelRange(t, cam, aMin, aMax, bMin, bMax, pad);
}

function subpixelRange(t: Target, cam: Camera, aMin: number, aMax: number, bMin: number, bMax: number,
  padPx: number): [number, number, number, number] {
  const os = t.os;
  return [
    Math.max(0, Math.floor((cam.cx + cam.fx * aMin - padPx) * os - 0.5)),
    Math.min(t.sw - 1, Math.ceil((cam.cx + cam.fx * aMax + padPx) * os - 0.5)),
    Math.max(0, Math.floor((cam.cy + cam.fy * bMin - padPx) * os - 0.5)),
    Math.min(t.sh - 1, Math.ceil((cam.cy + cam.fy * bMax + padPx) * os - 0.5)),
  ];
}

/**
 * Draws a capsule as the set of image-plane points within its (linearly interpolated) projected
 * radius of the projected axis. With `reflection`, it paints only over subpixels owned by `id`
 * (a mirror image lies on the glass surface) and leaves depth and owner alone. `amodal` collects
 * the capsule's full extent [iMin, jMin, iMax, jMax] regardless of occlusion.
 */
export function drawCapsule(t: Target, cam: Camera, c: Capsule, id: number, reflection: boolean,
  amodal: Int32Array | null): void {
  const pa = scratchA;
  const pb = scratchB;
  toCamera(cam, c.ax, c.ay, c.az, pa);
  toCamera(cam, c.bx, c.by, c.bz, pb);
  if (pa[2] < NEAR_M && pb[2] < NEAR_M) return;
  // Clip the axis at the near plane.
  if (pa[2] < NEAR_M || pb[2] < NEAR_M) {
    const [front, back] = pa[2] < NEAR_M ? [pb, pa] : [pa, pb];
    const k = (front[2] - NEAR_M) / (front[2] - back[2]);
    for (let q = 0; q < 3; q++) back[q] = front[q] + k * (back[q] - front[q]);
  }
  const ea = scratchEa;
  const eb = scratchEb;
  if (!toImagePlane(cam.projection, pa[0], pa[1], pa[2], ea)) return;
  if (!toImagePlane(cam.projection, pb[0], pb[1], pb[2], eb)) return;
  const ra = imagePlaneRadius(cam.projection, c.radiusM, pa[0], pa[1], pa[2]);
  const rb = imagePlaneRadius(cam.projection, c.radiusM, pb[0], pb[1], pb[2]);
  const rMax = Math.max(ra, rb);
  const [i0, i1, j0, j1] = subpixelRange(t, cam, Math.min(ea[0], eb[0]) - rMax, Math.max(ea[0], eb[0]) + rMax,
    Math.min(ea[1], eb[1]) - rMax, Math.max(ea[1], eb[1]) + rMax, 0);
  const ux = eb[0] - ea[0];
  const uy = eb[1] - ea[1];
  const len2 = ux * ux + uy * uy;
  const invLen2 = len2 > 0 ? 1 / len2 : 0;
  const za = pa[2] - c.radiusM;
  const dz = pb[2] - pa[2];
  const { colA, rowB, temp, depth, owner } = t;
  const ea0 = ea[0];
  const ea1 = ea[1];
  for (let j = j0; j <= j1; j++) {
    const b = rowB[j];
    for (let i = i0; i <= i1; i++) {
      const a = colA[i];
      let u = ((a - ea0) * ux + (b - ea1) * uy) * invLen2;
      u = u < 0 ? 0 : u > 1 ? 1 : u;
      const ex = a - ea0 - u * ux;
      const ey = b - ea1 - u * uy;
      const r = ra + u * (rb - ra);
      if (ex * ex + ey * ey > r * r) continue;
      const s = j * t.sw + i;
      if (reflection) {
        if (owner[s] === id) temp[s] = c.celsius;
        continue;
      }
      if (amodal && t.coverStamp[s] !== t.stampSeq) {
        t.coverStamp[s] = t.stampSeq;
        amodal[4]++;
        if (i < amodal[0]) amodal[0] = i;
        if (j < amodal[1]) amodal[1] = j;
        if (i > amodal[2]) amodal[2] = i;
        if (j > amodal[3]) amodal[3] = j;
      }
      const d = za + u * dz;
      if (d < depth[s]) {
        depth[s] = d;
        temp[s] = c.celsius;
        owner[s] = id;
      }
    }
  }
}
