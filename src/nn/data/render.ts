/**
 * Renders a Scene to the ideal (noise-free, blur-free) pixel temperatures of a sensor, plus the
 * visible person boxes. src/nn/data/THERMAL.md §4 steps 1-2: render at `oversample`x per axis, then
 * area-average each pixel's subpixels, which mixes partial coverage in temperature space (§2.1:
 * indoors T_pix ≈ f*T_obj + (1-f)*T_bg).
 *
 * Visibility is a z-buffer on camera-z depth (§6: nearer person wins, never max() over people):
 * room surfaces are ray-cast on a 2x-per-pixel grid, boxes (furniture, distractors) exactly per
 * subpixel, and body capsules drawn in image-plane coordinates with their projected radius and an
 * interpolated depth (raster.ts). Boxes are the visible (unoccluded, in-frame) extent of each
 * person, in pixel units.
 */
import type { Box } from './types.js';
import { isDifficult } from './difficult.js';
import { intrinsicsOf, poseCamera, toCamera, toImagePlane, type Camera } from './camera.js';
import { drawCapsule, drawCuboid, nextCoverStamp, targetFor, type Target } from './raster.js';
import type { Capsule, Scene } from './scene.js';
import type { SensorConfig } from './sensors.js';

export interface RenderResult {
  /** Area-averaged scene temperature per pixel (°C), row-major. */
  ideal: Float32Array;
  boxes: Box[];
  /** Index into scene.people of each box (unlabelled people have no box). */
  personOf: number[];
  /**
   * Visibility tags: 'overlapping', 'occluded', 'distractor', 'distractor:<kind>', 'unlabelled-person',
   * 'ambiguous-count' (overhead heads closer than 2 px).
   */
  tags: string[];
}

const AMODAL_FIELDS = 5;
/** Depth of the room surfaces in the z-buffer: everything in a scene lies inside its room. */
const FAR_M = 1e9;

/** Minimum visible area for a person to be labelled: one full sensor pixel. */
const MIN_VISIBLE_PX2 = 1;
/**
 * ... and at least half a pixel on each side: a far person on the 110° lens is legitimately
 * 0.6 px wide (src/nn/data/THERMAL.md §3), but a quarter-pixel sliver at the frame edge is not detectable.
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
      widenBounds(b, i0, i1, j0, j1);
    }
    if (obj.bodies) drawBodies(t, cam, obj.bodies, -(k + 1), b);
  });
  scene.objects.forEach((obj, k) => {
    for (const c of obj.reflections ?? []) drawCapsule(t, cam, c, -(k + 1), true, null);
  });
  // Per person: amodal extent [iMin, jMin, iMax, jMax] and covered subpixel count, occlusion ignored.
  const amodal = new Int32Array(scene.people.length * AMODAL_FIELDS);
  scene.people.forEach((person, k) => {
    const a = amodal.subarray(k * AMODAL_FIELDS, (k + 1) * AMODAL_FIELDS);
    a.set([t.sw, t.sh, -1, -1, 0]);
    nextCoverStamp(t);
    for (const c of person.parts) drawCapsule(t, cam, c, k + 1, false, a);
  });
  const visible = collectBoxes(t, scene, amodal, objectBounds);
  if (scene.mount === 'overhead' && headsTooClose(cam, scene, visible.personOf)) {
    visible.tags = [...visible.tags, 'ambiguous-count'].sort();
  }
  return { ideal: integrate(t, sensor), ...visible };
}

/**
 * An object's capsules (an animal), z-buffered under the object's owner id; widens the object's
 * projected bounds [i0, i1, j0, j1] by the capsules' extent (drawCapsule's amodal record).
 */
function drawBodies(t: Target, cam: Camera, bodies: Capsule[], id: number, bounds: Int32Array): void {
  const extent = new Int32Array([t.sw, t.sh, -1, -1, 0]);
  nextCoverStamp(t);
  for (const c of bodies) drawCapsule(t, cam, c, id, false, extent);
  if (extent[2] >= 0) widenBounds(bounds, extent[0], extent[2], extent[1], extent[3]);
}

/** Object bounds [i0, i1, j0, j1] grown to hold [i0, i1] x [j0, j1]. */
function widenBounds(b: Int32Array, i0: number, i1: number, j0: number, j1: number): void {
  b[0] = Math.min(b[0], i0);
  b[1] = Math.max(b[1], i1);
  b[2] = Math.min(b[2], j0);
  b[3] = Math.max(b[3], j1);
}

/**
 * src/nn/data/THERMAL.md §6: seen from above, adjacent people merge into one blob and only their heads stay
 * separate local maxima, when the head centres are >= ~2 px apart. Closer than that the count is
 * ambiguous even to a human, so such frames are tagged for evaluation to treat leniently.
 */
const SEPARABLE_HEADS_PX = 2;

function headsTooClose(cam: Camera, scene: Scene, labelled: number[]): boolean {
  const heads: number[] = [];
  const p = new Float64Array(3);
  const ab = new Float64Array(2);
  for (const k of labelled) {
    // The head is the highest primitive of the body model.
    const head = scene.people[k].parts.reduce((hi, c) => (c.ay > hi.ay ? c : hi));
    toCamera(cam, head.ax, head.ay, head.az, p);
    if (!toImagePlane(cam.projection, p[0], p[1], p[2], ab)) continue;
    heads.push(cam.fx * ab[0], cam.fy * ab[1]);
  }
  for (let i = 0; i < heads.length; i += 2) {
    for (let j = i + 2; j < heads.length; j += 2) {
      if (Math.hypot(heads[i] - heads[j], heads[i + 1] - heads[j + 1]) < SEPARABLE_HEADS_PX) return true;
    }
  }
  return false;
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
  { boxes: Box[]; personOf: number[]; tags: string[] } {
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
    const a = k * AMODAL_FIELDS;
    for (let j = amodal[a + 1]; j <= amodal[a + 3]; j++) {
      for (let i = amodal[a]; i <= amodal[a + 2]; i++) {
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
  const personOf: number[] = [];
  for (let k = 0; k < nPeople; k++) {
    const e0 = ext.subarray(k * 4, k * 4 + 4);
    const thin = (e0[2] - e0[0] + 1) < MIN_VISIBLE_SIDE_PX * os || (e0[3] - e0[1] + 1) < MIN_VISIBLE_SIDE_PX * os;
    if (count[k] < MIN_VISIBLE_PX2 * os * os || thin) {
      if (count[k] > 0) tags.add('unlabelled-person');
      continue;
    }
    const e = ext.subarray(k * 4, k * 4 + 4);
    // Occluded: more than a fifth of the in-frame silhouette is hidden by something nearer.
    if (count[k] < 0.8 * amodal[k * AMODAL_FIELDS + 4]) tags.add('occluded');
    const box: Box = { x: e[0] / os, y: e[1] / os, w: (e[2] - e[0] + 1) / os, h: (e[3] - e[1] + 1) / os, cls: 0 };
    withVisibility(box, count[k] / (os * os), count[k] / Math.max(1, amodal[k * AMODAL_FIELDS + 4]));
    boxes.push(box);
    personOf.push(k);
  }
  if (markOverlaps(boxes)) tags.add('overlapping');
  scene.objects.forEach((obj, k) => {
    // A quarter pixel is enough for a hot mug or bulb to dominate a pixel (§5).
    if (obj.kind !== 'furniture' && objectCount[k] >= (os * os) / 4) {
      tags.add('distractor');
      tags.add(`distractor:${obj.kind}`);
    }
  });
  return { boxes, personOf, tags: [...tags].sort() };
}

/**
 * Records how much of the person is visible (silhouette area in px², share not hidden by nearer
 * things, 3 decimals) and the `difficult` flag that follows from them (difficult.ts).
 */
export function withVisibility(box: Box, visibleArea: number, visibleFraction: number): Box {
  box.visibleArea = Math.round(visibleArea * 1000) / 1000;
  box.visibleFraction = Math.round(Math.min(1, visibleFraction) * 1000) / 1000;
  if (isDifficult(box)) box.difficult = true;
  else delete box.difficult;
  return box;
}

/** Sets `overlapping` on every box whose area intersects another box; true if any does. */
export function markOverlaps(boxes: Box[]): boolean {
  let any = false;
  for (const b of boxes) delete b.overlapping;
  for (let p = 0; p < boxes.length; p++) {
    for (let q = 0; q < boxes.length; q++) {
      if (p !== q && intersects(boxes[p], boxes[q])) boxes[p].overlapping = true;
    }
    any ||= boxes[p].overlapping === true;
  }
  return any;
}

function intersects(p: Box, q: Box): boolean {
  return Math.min(p.x + p.w, q.x + q.w) > Math.max(p.x, q.x) && Math.min(p.y + p.h, q.y + q.h) > Math.max(p.y, q.y);
}
