/**
 * World-space scene description for the thermal renderer (metres, degrees C) and the human body
 * model. Sampling lives in scene-sampler.ts; rasterisation in render.ts.
 *
 * Body model (src/nn/data/THERMAL.md §2.2, §3, §6): depth-ordered primitives — head sphere
 * (skin, or hair seen from above), torso, arm and leg capsules (clothing), hand spheres (skin). A
 * standing adult is 0.45 m wide (arm to arm) and `heightM` tall (floor to crown), the figures behind the §3 table.
 * Clothing surface temperature follows the series thermal-resistance model of §2.2:
 *   T_cl = T_sk - (T_sk - T_a) * I_cl / (I_cl + I_a),  1 clo = 0.155 m²K/W,  I_a = 0.11 m²K/W.
 */

/** A capsule (a sphere when a == b) in world coordinates. */
export interface Capsule {
  ax: number; ay: number; az: number;
  bx: number; by: number; bz: number;
  radiusM: number;
  celsius: number;
}

/** An axis-aligned box in world coordinates. */
export interface Cuboid {
  min: [number, number, number];
  max: [number, number, number];
  celsius: number;
}

export type DistractorKind =
  | 'radiator' | 'monitor' | 'laptop' | 'mug' | 'lamp' | 'warm-seat' | 'sun-patch' | 'window' | 'animal';
/**
 * 'animal' came last (session 5): a config that lists kinds explicitly (a dataset's recorded
 * `info.generator`) draws the same frames as before; the default list (scene-config.ts) gained it,
 * so default frames of a given seed differ from those before it.
 */
export const DISTRACTOR_KINDS: readonly DistractorKind[] =
  ['radiator', 'monitor', 'laptop', 'mug', 'lamp', 'warm-seat', 'sun-patch', 'window', 'animal'];

/** A non-person object: hot distractors, and furniture ('furniture' is near ambient, not a distractor). */
export interface SceneObject {
  kind: DistractorKind | 'furniture';
  parts: Cuboid[];
  /**
   * Reflections (reflective windows): capsules painted only where this object's first part is the
   * visible surface, as a specular mirror image would be (glass is opaque in LWIR, §2.1).
   */
  reflections?: Capsule[];
  /** Rounded bodies (an animal's trunk, head, legs), z-buffered like `parts` and owned by this object. */
  bodies?: Capsule[];
}

export type Posture = 'standing' | 'seated';

export interface Person {
  posture: Posture;
  parts: Capsule[];
  /** Walking velocity on the floor (m/s, x and z); absent when standing still. */
  velocity?: [number, number];
}

/** The person moved by (dx, dz) metres on the floor. */
export function shiftPerson(p: Person, dx: number, dz: number): Person {
  return {
    ...p,
    parts: p.parts.map((c) => ({ ...c, ax: c.ax + dx, az: c.az + dz, bx: c.bx + dx, bz: c.bz + dz })),
  };
}

/** The room is an axis-aligned box around the camera; its inner surfaces are the background. */
export interface Room {
  xMin: number; xMax: number;
  zMin: number; zMax: number;
  ceilingM: number;
  ambientC: number;
  floorC: number;
  ceilingC: number;
  /** Wall temperature = ambientC + wallOffsetC[i] + wallGradientKPerM * (y - 1.2 m). Walls: x-, x+, z-, z+. */
  wallOffsetC: [number, number, number, number];
  wallGradientKPerM: number;
}

export type Mount = 'side' | 'overhead';

export interface Scene {
  mount: Mount;
  camera: { heightM: number; pitchDeg: number };
  room: Room;
  people: Person[];
  objects: SceneObject[];
  /** Mount and scenario tags ('side', 'scenario:overlapping', 'seated'); render.ts adds visibility tags. */
  tags: string[];
}

export interface PersonSpec {
  /** Floor position of the body axis. */
  x: number;
  z: number;
  heightM: number;
  posture: Posture;
  /** Facing direction: 0 = facing -z (towards a side camera), degrees about +y. */
  yawDeg: number;
  /** Temperatures of the head as seen (face or hair), exposed skin, upper and lower clothing. */
  headC: number;
  skinC: number;
  upperC: number;
  lowerC: number;
}

/** Clothing surface temperature from skin, ambient and insulation (src/nn/data/THERMAL.md §2.2). */
export function clothingSurfaceC(skinC: number, ambientC: number, clo: number): number {
  const iCl = clo * 0.155;
  const iA = 0.11;
  return skinC - ((skinC - ambientC) * iCl) / (iCl + iA);
}

/** Seat height of chairs used by seated people and warm-seat distractors. */
export const SEAT_HEIGHT_M = 0.45;

export function buildPerson(s: PersonSpec): Person {
  const yaw = (s.yawDeg * Math.PI) / 180;
  // Lateral (left-right of the body) and facing directions on the floor plane.
  const lx = Math.cos(yaw);
  const lz = -Math.sin(yaw);
  const fx = -Math.sin(yaw);
  const fz = -Math.cos(yaw);
  const H = s.heightM;
  const parts: Capsule[] = [];
  const at = (lat: number, fwd: number) => [s.x + lat * lx + fwd * fx, s.z + lat * lz + fwd * fz] as const;
  const cap = (p: readonly [number, number], ya: number, q: readonly [number, number], yb: number, r: number,
    c: number) => parts.push({ ax: p[0], ay: ya, az: p[1], bx: q[0], by: yb, bz: q[1], radiusM: r, celsius: c });
  const headR = 0.11;
  const armLat = 0.185; // arm axis; + 0.04 m radius = 0.225 m half-width
  if (s.posture === 'standing') {
    const hip = 0.48 * H;
    const shoulder = 0.77 * H;
    for (const side of [-1, 1]) {
      cap(at(side * 0.09, 0), 0.08, at(side * 0.09, 0), hip, 0.08, s.lowerC);
      cap(at(side * armLat, 0), shoulder + 0.01 * H, at(side * armLat, 0), 0.46 * H, 0.04, s.upperC);
      cap(at(side * armLat, 0), 0.43 * H, at(side * armLat, 0), 0.43 * H, 0.04, s.skinC);
    }
    cap(at(0, 0), 0.5 * H, at(0, 0), shoulder, 0.15, s.upperC);
    cap(at(0, 0), H - headR, at(0, 0), H - headR, headR, s.headC);
  } else {
    const seat = SEAT_HEIGHT_M;
    const torsoTop = seat + 0.12 + 0.25 * H;
    for (const side of [-1, 1]) {
      cap(at(side * 0.09, 0), seat + 0.08, at(side * 0.09, 0.42), seat + 0.06, 0.08, s.lowerC);
      cap(at(side * 0.09, 0.45), seat, at(side * 0.09, 0.45), 0.06, 0.06, s.lowerC);
      cap(at(side * armLat, 0), torsoTop, at(side * armLat, 0), torsoTop - 0.28, 0.04, s.upperC);
      cap(at(side * armLat, 0), torsoTop - 0.28, at(side * 0.15, 0.3), seat + 0.2, 0.04, s.upperC);
      cap(at(side * 0.15, 0.33), seat + 0.2, at(side * 0.15, 0.33), seat + 0.2, 0.04, s.skinC);
    }
    cap(at(0, 0), seat + 0.12, at(0, 0), torsoTop, 0.15, s.upperC);
    cap(at(0, 0), torsoTop + 0.15 + headR, at(0, 0), torsoTop + 0.15 + headR, headR, s.headC);
  }
  return { posture: s.posture, parts };
}

/** Lowest and highest world y of a person's primitives (floor to crown). */
export function personVerticalExtent(p: Person): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of p.parts) {
    lo = Math.min(lo, c.ay - c.radiusM, c.by - c.radiusM);
    hi = Math.max(hi, c.ay + c.radiusM, c.by + c.radiusM);
  }
  return [lo, hi];
}
