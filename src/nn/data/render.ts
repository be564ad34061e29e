/**
 * Renders a Scene to the ideal (noise-free, blur-free) pixel temperatures of a sensor, plus the
 * visible person boxes. THERMAL.md §4.4 steps 1-2: render at `oversample`x per axis, then
 * area-average each pixel's subpixels, which mixes partial coverage in temperature space (§4.1:
 * indoors T_pix ≈ f*T_obj + (1-f)*T_bg).
 *
 * Visibility is a z-buffer on camera-z depth (§4.6: nearer person wins, never max() over people):
 * room surfaces and boxes are ray-cast exactly per subpixel; body capsules are drawn in image-plane
 * coordinates with their projected radius and an interpolated depth. Boxes are the visible
 * (unoccluded, in-frame) extent of each person, in pixel units.
 */
import type { Box } from './types.js';
import { intrinsicsOf, poseCamera, subpixelRays, toCamera, toImagePlane, imagePlaneRadius, type Camera } from './camera.js';
import type { Capsule, Cuboid, Scene } from './scene.js';
import type { SensorConfig } from './sensors.js';

export interface RenderResult {
  /** Area-averaged scene temperature per pixel (°C), row-major. */
  ideal: Float32Array;
  boxes: Box[];
  /** Visibility tags: 'overlapping', 'occluded', 'distractor', 'distractor:<kind>', 'unlabelled-person'. */
  tags: string[];
}

/** Reusable per-resolution buffers; rendering allocates nothing per subpixel. */
interface Target {
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
  colA: Float64Array;
  rowB: Float64Array;
}

const targets = new Map<string, Target>();

function targetFor(sensor: SensorConfig, os: number): Target {
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
      temp: new Float32Array(sw * sh), depth: new Float32Array(sw * sh), owner: new Int32Array(sw * sh), colA, rowB,
    };
    targets.set(key, t);
  }
  return t;
}

/** Minimum visible area for a person to be labelled: one full sensor pixel. */
const MIN_VISIBLE_PX2 = 1;
/**
 * ... and at least half a pixel on each side: a far person on the 110° lens is legitimately
 * 0.6 px wide (THERMAL.md §4.3), but a quarter-pixel sliver at the frame edge is not detectable.
 */
const MIN_VISIBLE_SIDE_PX = 0.5;

export function renderScene(scene: Scene, sensor: SensorConfig, oversample: number): RenderResult {
  const t = targetFor(sensor, oversample);
  const cam = poseCamera(intrinsicsOf(sensor), scene.camera);
  drawRoom(t, cam, scene);
  // Union of each object's projected bounds [i0, i1, j0, j1], so visibility counts scan only there.
  const objectBounds = new Int32Array(scene.objects.length * 4);
  scene.objects.forEach((obj, k) => {
    const b = objectBounds.subarray(k * 4, k * 4 + 4);
    b.set([t.sw, -1, t.sh, -1]);
    for (const part of obj.parts) {
      const [i0, i1, j0, j1] = drawCuboid(t, cam, part, -(k + 1));
      b[0] = Math.min(b[0], i0);
      b[1] = Math.max(b[1], i1);
      b[2] = Math.min(b[2], j0);
      b[3] = Math.max(b[3], j1);
    }
  });
  scene.objects.forEach((obj, k) => {
    for (const c of obj.reflections ?? []) drawCapsule(t, cam, c, -(k + 1), true, null);
  });
  const amodal = new Int32Array(scene.people.length * 4);
  scene.people.forEach((person, k) => {
    amodal.set([t.sw, t.sh, -1, -1], k * 4);
    for (const c of person.parts) drawCapsule(t, cam, c, k + 1, false, amodal.subarray(k * 4, k * 4 + 4));
  });
  return {
    ideal: integrate(t, sensor),
    ...collectBoxes(t, scene, amodal, objectBounds),
  };
}

/**
 * Room surfaces, ray-cast on a coarse grid (ROOM_OVERSAMPLE per pixel) and replicated to the fine
 * grid: walls, floor and ceiling vary slowly (a 1-2 K step at their seams), so half-pixel seams are
 * far below the sensor noise, and this is most of the per-frame work. Everything in the scene lies
 * inside the room, so the room's depth is simply "farthest".
 */
function drawRoom(t: Target, cam: Camera, scene: Scene): void {
  const { room } = scene;
  const h = cam.pose.heightM;
  const [r0, r1, r2] = cam.right;
  const [d0, d1, d2] = cam.down;
  const [f0, f1, f2] = cam.forward;
  const { roomRays, temp, depth, owner, sw, os } = t;
  const { xMin, xMax, zMin, zMax, floorC, ceilingC, wallGradientKPerM: grad } = room;
  const up = room.ceilingM - h;
  // Wall temperature at height y is wallBase[w] + grad * (y - h), and y - h = hit * wy.
  const wallBase = room.wallOffsetC.map((o) => room.ambientC + o + grad * (h - 1.2));
  const rw = (t.sw / os) * t.roomOs;
  const rh = (t.sh / os) * t.roomOs;
  const block = os / t.roomOs;
  for (let rj = 0; rj < rh; rj++) {
    for (let ri = 0; ri < rw; ri++) {
      const s = rj * rw + ri;
      const cx = roomRays[3 * s];
      const cy = roomRays[3 * s + 1];
      const cz = roomRays[3 * s + 2];
      const wx = cx * r0 + cy * d0 + cz * f0;
      const wy = cx * r1 + cy * d1 + cz * f1;
      const wz = cx * r2 + cy * d2 + cz * f2;
      // Exit point of the ray from inside the room box (camera at x = 0, z = 0).
      const tx = wx > 1e-9 ? xMax / wx : wx < -1e-9 ? xMin / wx : 1e9;
      const ty = wy > 1e-9 ? up / wy : wy < -1e-9 ? -h / wy : 1e9;
      const tz = wz > 1e-9 ? zMax / wz : wz < -1e-9 ? zMin / wz : 1e9;
      let c: number;
      if (ty <= tx && ty <= tz) c = wy > 0 ? ceilingC : floorC;
      else {
        const hit = tx <= tz ? tx : tz;
        c = wallBase[tx <= tz ? (wx < 0 ? 0 : 1) : (wz < 0 ? 2 : 3)] + grad * hit * wy;
      }
      const o = rj * block * sw + ri * block;
      for (let q = 0; q < block; q++) temp[o + q] = c;
    }
    // Replicate the finished fine row to the rest of the block (one native copy per row).
    for (let q = 1; q < block; q++) temp.copyWithin((rj * block + q) * sw, rj * block * sw, (rj * block + 1) * sw);
  }
  depth.fill(FAR_M);
  owner.fill(0);
}

/** Room subpixels per pixel per axis (when it divides the render oversampling; else full resolution). */
const ROOM_OVERSAMPLE = 2;
const FAR_M = 1e9;

const NEAR_M = 0.05;

/** Ray-casts an axis-aligned box; returns the subpixel bounds it was tested over. */
function drawCuboid(t: Target, cam: Camera, box: Cuboid, id: number): [number, number, number, number] {
  const bounds = projectedBounds(t, cam, box);
  const [i0, i1, j0, j1] = bounds;
  const h = cam.pose.heightM;
  const { raysCam, temp, depth, owner } = t;
  const [r0, r1, r2] = cam.right;
  const [d0, d1, d2] = cam.down;
  const [f0, f1, f2] = cam.forward;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
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

/** Subpixel index bounds [i0, i1, j0, j1] of a cuboid's projection (whole grid if it crosses the lens plane). */
function projectedBounds(t: Target, cam: Camera, box: Cuboid): [number, number, number, number] {
  const p = new Float64Array(3);
  const ab = new Float64Array(2);
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
function drawCapsule(t: Target, cam: Camera, c: Capsule, id: number, reflection: boolean,
  amodal: Int32Array | null): void {
  const pa = new Float64Array(3);
  const pb = new Float64Array(3);
  toCamera(cam, c.ax, c.ay, c.az, pa);
  toCamera(cam, c.bx, c.by, c.bz, pb);
  if (pa[2] < NEAR_M && pb[2] < NEAR_M) return;
  // Clip the axis at the near plane.
  if (pa[2] < NEAR_M || pb[2] < NEAR_M) {
    const [front, back] = pa[2] < NEAR_M ? [pb, pa] : [pa, pb];
    const k = (front[2] - NEAR_M) / (front[2] - back[2]);
    for (let q = 0; q < 3; q++) back[q] = front[q] + k * (back[q] - front[q]);
  }
  const ea = new Float64Array(2);
  const eb = new Float64Array(2);
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
  const za = pa[2] - c.radiusM;
  const dz = pb[2] - pa[2];
  const { colA, rowB, temp, depth, owner } = t;
  for (let j = j0; j <= j1; j++) {
    const b = rowB[j];
    for (let i = i0; i <= i1; i++) {
      const a = colA[i];
      let u = len2 > 0 ? ((a - ea[0]) * ux + (b - ea[1]) * uy) / len2 : 0;
      u = u < 0 ? 0 : u > 1 ? 1 : u;
      const ex = a - ea[0] - u * ux;
      const ey = b - ea[1] - u * uy;
      const r = ra + u * (rb - ra);
      if (ex * ex + ey * ey > r * r) continue;
      const s = j * t.sw + i;
      if (reflection) {
        if (owner[s] === id) temp[s] = c.celsius;
        continue;
      }
      if (amodal) {
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

function integrate(t: Target, sensor: SensorConfig): Float32Array {
  const { os, sw, sh, temp } = t;
  const W = sensor.width;
  const out = new Float32Array(W * sensor.height);
  const acc = new Float64Array(W);
  const inv = 1 / (os * os);
  for (let j = 0; j < sh; j++) {
    const row = j * sw;
    for (let x = 0; x < W; x++) {
      let sum = 0;
      for (let i = x * os; i < (x + 1) * os; i++) sum += temp[row + i];
      acc[x] += sum;
    }
    if ((j + 1) % os === 0) {
      const y = (j + 1) / os - 1;
      for (let x = 0; x < W; x++) {
        out[y * W + x] = acc[x] * inv;
        acc[x] = 0;
      }
    }
  }
  return out;
}

function collectBoxes(t: Target, scene: Scene, amodal: Int32Array, objectBounds: Int32Array):
  { boxes: Box[]; tags: string[] } {
  const nPeople = scene.people.length;
  const { owner, sw, os } = t;
  // Visible extent and subpixel count of each person, scanned inside its amodal extent.
  const ext = new Int32Array(nPeople * 4);
  const count = new Int32Array(nPeople);
  for (let k = 0; k < nPeople; k++) {
    const id = k + 1;
    let iMin = sw;
    let jMin = t.sh;
    let iMax = -1;
    let jMax = -1;
    let n = 0;
    for (let j = amodal[k * 4 + 1]; j <= amodal[k * 4 + 3]; j++) {
      for (let i = amodal[k * 4]; i <= amodal[k * 4 + 2]; i++) {
        if (owner[j * sw + i] !== id) continue;
        n++;
        if (i < iMin) iMin = i;
        if (i > iMax) iMax = i;
        if (j < jMin) jMin = j;
        jMax = j;
      }
    }
    ext.set([iMin, jMin, iMax, jMax], k * 4);
    count[k] = n;
  }
  const objectCount = new Int32Array(scene.objects.length);
  for (let k = 0; k < scene.objects.length; k++) {
    const id = -(k + 1);
    let n = 0;
    for (let j = objectBounds[k * 4 + 2]; j <= objectBounds[k * 4 + 3]; j++) {
      for (let i = objectBounds[k * 4]; i <= objectBounds[k * 4 + 1]; i++) if (owner[j * sw + i] === id) n++;
    }
    objectCount[k] = n;
  }
  const tags = new Set<string>();
  const boxes: Box[] = [];
  for (let k = 0; k < nPeople; k++) {
    const e0 = ext.subarray(k * 4, k * 4 + 4);
    const thin = (e0[2] - e0[0] + 1) < MIN_VISIBLE_SIDE_PX * os || (e0[3] - e0[1] + 1) < MIN_VISIBLE_SIDE_PX * os;
    if (count[k] < MIN_VISIBLE_PX2 * os * os || thin) {
      if (count[k] > 0) tags.add('unlabelled-person');
      continue;
    }
    const e = ext.subarray(k * 4, k * 4 + 4);
    const a = amodal.subarray(k * 4, k * 4 + 4);
    const visibleArea = (e[2] - e[0] + 1) * (e[3] - e[1] + 1);
    const amodalArea = (a[2] - a[0] + 1) * (a[3] - a[1] + 1);
    if (visibleArea < 0.8 * amodalArea) tags.add('occluded');
    boxes.push({ x: e[0] / os, y: e[1] / os, w: (e[2] - e[0] + 1) / os, h: (e[3] - e[1] + 1) / os, cls: 0 });
  }
  for (let p = 0; p < boxes.length; p++) {
    for (let q = 0; q < boxes.length; q++) {
      if (p !== q && intersects(boxes[p], boxes[q])) boxes[p].overlapping = true;
    }
    if (boxes[p].overlapping) tags.add('overlapping');
  }
  scene.objects.forEach((obj, k) => {
    // A quarter pixel is enough for a hot mug or bulb to dominate a pixel (§4.5).
    if (obj.kind !== 'furniture' && objectCount[k] >= (os * os) / 4) {
      tags.add('distractor');
      tags.add(`distractor:${obj.kind}`);
    }
  });
  return { boxes, tags: [...tags].sort() };
}

function intersects(p: Box, q: Box): boolean {
  return Math.min(p.x + p.w, q.x + q.w) > Math.max(p.x, q.x) && Math.min(p.y + p.h, q.y + q.h) > Math.max(p.y, q.y);
}
