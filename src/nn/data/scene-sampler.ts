/**
 * Draws one random scene (room, camera mount, people, distractors) from a SceneConfig.
 * Temperatures and sizes follow src/nn/data/THERMAL.md §2.2 (skin, clothing model), §5 (distractor ranges:
 * radiators 35-70 °C, monitors/laptops 30-45 °C, mugs up to 70 °C, LED lamps 40-60 °C and halogen
 * >100 °C, residual seat heat +1-4 K, sun patches +5-15 K, windows cold or sunlit with glass
 * emissivity 0.85 reflecting the room), §5.1 (cats and dogs: fur-insulated surfaces 25-35 °C) and §6
 * (overlapping people: adjacent groups, depth order).
 * Ranges marked [M]/[assumption] there are sampled, not fixed.
 */
import { intrinsicsOf, poseCamera, toCamera, toImagePlane, type Camera } from './camera.js';
import type { Rng } from './rng.js';
import {
  buildPerson, clothingSurfaceC, SEAT_HEIGHT_M, type Capsule, type Cuboid, type DistractorKind, type Mount,
  type Person, type PersonSpec, type Room, type Scene, type SceneObject,
} from './scene.js';
import type { SceneConfig } from './scene-config.js';
import type { SensorConfig } from './sensors.js';

const GLASS_EMISSIVITY = 0.85;
const DEG = Math.PI / 180;

interface Ctx {
  rng: Rng;
  config: SceneConfig;
  mount: Mount;
  cam: Camera;
  room: Room;
  /** Floor positions already taken by people (x, z pairs). */
  occupied: number[];
}

export function sampleScene(rng: Rng, config: SceneConfig, sensor: SensorConfig): Scene {
  const mount: Mount = config.mount === 'mixed' ? (rng.chance(config.overheadShare) ? 'overhead' : 'side')
    : config.mount;
  const ambientC = rng.uniform(...config.ambientC);
  let cameraPose: { heightM: number; pitchDeg: number };
  let room: Room;
  const gradient = rng.uniform(0.2, 1.0); // warmer towards the ceiling (§5) [assumption]
  const wallOffsets: [number, number, number, number] = [0, 0, 0, 0].map(() => rng.uniform(-0.7, 0.7)) as
    [number, number, number, number];
  if (mount === 'side') {
    const heightM = rng.uniform(...config.sideHeightM);
    const ceilingM = Math.max(rng.uniform(2.4, 3.2), heightM + 0.2);
    // Tilt no further than aiming the optical axis at the floor 2 m away: a low camera pointed
    // steeply down sees only the floor at its feet, not a room.
    const maxPitch = Math.max(config.sidePitchDeg[0], Math.min(config.sidePitchDeg[1], Math.atan(heightM / 2) / DEG));
    cameraPose = { heightM, pitchDeg: rng.uniform(config.sidePitchDeg[0], maxPitch) };
    room = {
      xMin: -rng.uniform(2, 6), xMax: rng.uniform(2, 6), zMin: -0.3,
      zMax: Math.max(rng.uniform(4, 11), config.distanceM[0] + 1), ceilingM,
      ambientC, floorC: 0, ceilingC: 0, wallOffsetC: wallOffsets, wallGradientKPerM: gradient,
    };
  } else {
    const ceilingM = rng.uniform(...config.ceilingM);
    cameraPose = { heightM: ceilingM - 0.02, pitchDeg: 90 };
    room = {
      xMin: -rng.uniform(1.5, 5), xMax: rng.uniform(1.5, 5), zMin: -rng.uniform(1.5, 5), zMax: rng.uniform(1.5, 5),
      ceilingM, ambientC, floorC: 0, ceilingC: 0, wallOffsetC: wallOffsets, wallGradientKPerM: gradient,
    };
  }
  room.floorC = ambientC - rng.uniform(0.5, 2); // floor 0.5-2 K cooler (§5)
  room.ceilingC = ambientC + gradient * (room.ceilingM - 1.2) + rng.uniform(0, 0.5);
  const cam = poseCamera(intrinsicsOf(sensor), cameraPose);
  const ctx: Ctx = { rng, config, mount, cam, room, occupied: [] };

  const w = config.scenarioWeights;
  const scenario = (['empty', 'single', 'several', 'overlapping'] as const)[
    rng.weighted([w.empty, w.single, w.several, w.overlapping])];
  const people: Person[] = [];
  const objects: SceneObject[] = [];
  const tags: string[] = [mount, `scenario:${scenario}`];
  if (scenario === 'single') addPerson(ctx, people, objects, null);
  else if (scenario === 'several') {
    const n = rng.int(2, config.maxPeople);
    for (let i = 0; i < n; i++) addPerson(ctx, people, objects, null);
  } else if (scenario === 'overlapping') {
    const groupSize = rng.int(2, Math.min(3, config.maxPeople));
    const anchor = addPerson(ctx, people, objects, null);
    if (anchor) for (let i = 1; i < groupSize; i++) addPerson(ctx, people, objects, anchor);
    const extra = rng.int(0, config.maxPeople - groupSize);
    for (let i = 0; i < extra; i++) addPerson(ctx, people, objects, null);
  }
  if (people.some((p) => p.posture === 'seated')) tags.push('seated');

  const kinds = config.distractorKinds;
  if (kinds.length > 0 && config.maxDistractors > 0) {
    // Empty scenes always get at least one distractor (hard negatives); a draw that finds no
    // visible spot is retried with another kind, a bounded number of times.
    const n = scenario === 'empty' ? rng.int(1, config.maxDistractors) : rng.int(0, config.maxDistractors);
    let added = 0;
    for (let tries = 0; added < n && tries < 3 * n; tries++) if (addDistractor(ctx, rng.pick(kinds), objects)) added++;
  }
  return { mount, camera: cameraPose, room, people, objects, tags };
}

/** A random floor point whose marker at height `markerY` projects inside the frame, or null. */
function visibleFloorPoint(ctx: Ctx, markerY: number, near: [number, number] | null, minGapM: number):
  [number, number] | null {
  const { rng, cam, room, mount, config } = ctx;
  const p = new Float64Array(3);
  const ab = new Float64Array(2);
  for (let attempt = 0; attempt < 24; attempt++) {
    let x: number;
    let z: number;
    if (near) {
      if (mount === 'side') {
        x = near[0] + (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.2, 0.6);
        z = near[1] + rng.uniform(-1.5, 1.5);
      } else {
        const angle = rng.uniform(0, 2 * Math.PI);
        const gap = rng.uniform(0.35, 0.7);
        x = near[0] + gap * Math.cos(angle);
        z = near[1] + gap * Math.sin(angle);
      }
    } else if (mount === 'side') {
      const d = rng.uniform(config.distanceM[0], Math.min(config.distanceM[1], room.zMax - 0.4));
      const bearing = rng.uniform(-1.1, 1.1) * (fovHalfDeg(cam, 'h') * DEG);
      x = d * Math.tan(Math.min(Math.abs(bearing), 1.3)) * Math.sign(bearing);
      z = d;
    } else {
      const h = cam.pose.heightM;
      const fx = h * Math.tan(Math.min(fovHalfDeg(cam, 'h') * DEG * 1.1, 1.3));
      const fz = h * Math.tan(Math.min(fovHalfDeg(cam, 'v') * DEG * 1.1, 1.3));
      x = rng.uniform(-fx, fx);
      z = rng.uniform(-fz, fz);
    }
    x = Math.min(Math.max(x, room.xMin + 0.3), room.xMax - 0.3);
    z = Math.min(Math.max(z, room.zMin + 0.3), room.zMax - 0.3);
    if (mount === 'side' && z < 0.5) continue;
    let clear = true;
    for (let i = 0; i < ctx.occupied.length; i += 2) {
      if (Math.hypot(ctx.occupied[i] - x, ctx.occupied[i + 1] - z) < minGapM) clear = false;
    }
    if (!clear) continue;
    toCamera(cam, x, markerY, z, p);
    if (!toImagePlane(cam.projection, p[0], p[1], p[2], ab)) continue;
    const u = cam.cx + cam.fx * ab[0];
    const v = cam.cy + cam.fy * ab[1];
    if (u >= 0 && u <= cam.width && v >= 0 && v <= cam.height) return [x, z];
  }
  return null;
}

/** Half field of view in degrees, recovered from the intrinsics. */
function fovHalfDeg(cam: Camera, axis: 'h' | 'v'): number {
  const halfPx = axis === 'h' ? cam.width / 2 : cam.height / 2;
  const f = axis === 'h' ? cam.fx : cam.fy;
  const rad = cam.projection === 'rectilinear' ? Math.atan(halfPx / f) : halfPx / f;
  return (rad * 180) / Math.PI;
}

function addPerson(ctx: Ctx, people: Person[], objects: SceneObject[], near: [number, number] | null):
  [number, number] | null {
  const { rng, config, room, mount } = ctx;
  const heightM = rng.uniform(...config.personHeightM);
  const posture = rng.chance(config.seatedShare) ? 'seated' : 'standing';
  const markerY = posture === 'seated' ? 0.8 : heightM * 0.6;
  const spot = visibleFloorPoint(ctx, markerY, near, near ? 0.35 : 0.5);
  if (!spot) return null;
  const skinC = rng.uniform(...config.skinC);
  const upperClo = rng.uniform(...config.clothingClo);
  const lowerClo = Math.min(Math.max(upperClo + rng.uniform(-0.2, 0.4), config.clothingClo[0]), 4);
  // Seen from the side the face is visible; from above the crown is hair, cooler than skin [M].
  const bald = rng.chance(0.1);
  // Hair insulates like thin clothing (§2.2 series model, 0.2-0.8 clo [assumption]).
  const headC = mount === 'overhead' && !bald ? clothingSurfaceC(skinC, room.ambientC, rng.uniform(0.2, 0.8))
    : skinC - rng.uniform(0, 1);
  const spec: PersonSpec = {
    x: spot[0], z: spot[1], heightM, posture, yawDeg: rng.uniform(-180, 180), skinC, headC,
    upperC: clothingSurfaceC(skinC, room.ambientC, upperClo),
    lowerC: clothingSurfaceC(skinC, room.ambientC, lowerClo),
  };
  const person = buildPerson(spec);
  if (posture === 'standing' && rng.chance(config.walkingShare)) {
    const heading = rng.uniform(0, 2 * Math.PI);
    const speed = rng.uniform(...config.walkSpeedMps);
    person.velocity = [speed * Math.cos(heading), speed * Math.sin(heading)];
  }
  people.push(person);
  ctx.occupied.push(spot[0], spot[1]);
  if (posture === 'seated') {
    // The chair under a seated person, warmed by them (hidden mostly, seen at the edges).
    objects.push({ kind: 'furniture', parts: chair(spot[0], spot[1], room.ambientC + rng.uniform(0.5, 2)) });
  }
  return spot;
}

function cuboid(cx: number, y0: number, cz: number, sx: number, sy: number, sz: number, celsius: number): Cuboid {
  return { min: [cx - sx / 2, y0, cz - sz / 2], max: [cx + sx / 2, y0 + sy, cz + sz / 2], celsius };
}

function chair(x: number, z: number, seatC: number): Cuboid[] {
  return [
    cuboid(x, SEAT_HEIGHT_M - 0.05, z, 0.45, 0.05, 0.45, seatC),
    cuboid(x, SEAT_HEIGHT_M, z + 0.22, 0.45, 0.45, 0.04, seatC - 0.3),
  ];
}

const DESK_TOP_M = 0.75;

function desk(ctx: Ctx, x: number, z: number): Cuboid {
  return cuboid(x, DESK_TOP_M - 0.04, z, 1.2, 0.04, 0.6, ctx.room.ambientC + ctx.rng.uniform(0, 0.5));
}

function addDistractor(ctx: Ctx, kind: DistractorKind, objects: SceneObject[]): boolean {
  const { rng, room, mount } = ctx;
  const ta = room.ambientC;
  // An animal is on the floor and, like a person, not inside anyone's footprint.
  const spot = kind === 'animal' ? visibleFloorPoint(ctx, 0.2, null, 0.4)
    : visibleFloorPoint(ctx, kind === 'sun-patch' ? 0 : 0.8, null, 0);
  if (!spot) return false;
  const [x, z] = spot;
  const wallZ = room.zMax;
  const parts: Cuboid[] = [];
  let reflections: Capsule[] | undefined;
  switch (kind) {
    case 'animal':
      objects.push({ kind, parts, bodies: animalBody(ctx, x, z) });
      return true;
    case 'radiator': {
      const w = rng.uniform(0.6, 1.2);
      const h = rng.uniform(0.4, 0.7);
      // On the back wall under where a window would be; overhead views see it from above.
      const rz = mount === 'side' ? wallZ - 0.06 : z;
      parts.push(cuboid(x, 0.15, rz, w, h, 0.1, rng.uniform(35, 70)));
      break;
    }
    case 'monitor':
      parts.push(desk(ctx, x, z), cuboid(x, DESK_TOP_M + 0.12, z + 0.15, 0.55, 0.33, 0.05, rng.uniform(30, 45)));
      break;
    case 'laptop': {
      const c = rng.uniform(30, 45);
      parts.push(desk(ctx, x, z), cuboid(x, DESK_TOP_M, z, 0.33, 0.02, 0.23, c),
        cuboid(x, DESK_TOP_M, z + 0.12, 0.33, 0.22, 0.01, c - rng.uniform(0, 3)));
      break;
    }
    case 'mug':
      parts.push(desk(ctx, x, z), cuboid(x, DESK_TOP_M, z, 0.08, 0.1, 0.08, rng.uniform(35, 70)));
      break;
    case 'lamp': {
      const halogen = rng.chance(0.3);
      const y = mount === 'overhead' ? room.ceilingM - rng.uniform(0.5, 1.0) : rng.uniform(1.2, 1.8);
      parts.push(cuboid(x, y, z, 0.1, 0.1, 0.1, halogen ? rng.uniform(100, 200) : rng.uniform(40, 60)));
      break;
    }
    case 'warm-seat':
      parts.push(...chair(x, z, ta + rng.uniform(1, 4)));
      break;
    case 'sun-patch':
      parts.push(cuboid(x, 0, z, rng.uniform(0.5, 1.5), 0.005, rng.uniform(0.4, 1.2), ta + rng.uniform(5, 15)));
      break;
    case 'window': {
      const glassC = rng.chance(0.6) ? rng.uniform(5, 18) : rng.uniform(25, 35);
      const w = rng.uniform(0.8, 1.6);
      const h = rng.uniform(0.8, 1.4);
      const apparent = (t: number) => GLASS_EMISSIVITY * glassC + (1 - GLASS_EMISSIVITY) * t;
      parts.push(cuboid(x, rng.uniform(0.8, 1.0), wallZ - 0.02, w, h, 0.02, apparent(ta)));
      if (rng.chance(0.6)) {
        // Mirror image of someone in the room: as far behind the glass as they stand in front of it.
        const skin = rng.uniform(33, 35);
        const cloth = clothingSurfaceC(skin, ta, rng.uniform(0.3, 1.2));
        reflections = buildPerson({
          x: x + rng.uniform(-0.5, 0.5), z: wallZ + rng.uniform(0.5, 3), heightM: rng.uniform(1.55, 1.95),
          posture: 'standing', yawDeg: 0, skinC: apparent(skin), headC: apparent(skin - 0.5),
          upperC: apparent(cloth), lowerC: apparent(cloth),
        }).parts;
      }
      break;
    }
  }
  objects.push(reflections ? { kind, parts, reflections } : { kind, parts });
  return true;
}

/**
 * A cat or a dog (src/nn/data/THERMAL.md §5.1): a trunk capsule, a head sphere and, standing, four
 * legs; lying, the trunk rests on the floor and the legs are tucked under it. Surface temperatures
 * follow the clothing model of §2.2 with fur as the insulation: skin 35-38 °C under the coat, trunk
 * fur 0.4-1.5 clo, legs 0.2-0.8 clo, the head (face, ears: short fur) 0.1-0.4 clo, which gives a
 * trunk 26-31 °C and a face 31-34 °C in a 22 °C room.
 */
function animalBody(ctx: Ctx, x: number, z: number): Capsule[] {
  const { rng, room } = ctx;
  const dog = rng.chance(0.5);
  // Trunk length and radius, leg length (floor to the trunk's underside), head radius, in metres [M].
  const length = dog ? rng.uniform(0.4, 0.8) : rng.uniform(0.3, 0.45);
  const radius = dog ? rng.uniform(0.09, 0.17) : rng.uniform(0.06, 0.09);
  const legM = dog ? rng.uniform(0.18, 0.4) : rng.uniform(0.1, 0.16);
  const headR = dog ? rng.uniform(0.06, 0.1) : rng.uniform(0.04, 0.055);
  const lying = rng.chance(0.4);
  const skinC = rng.uniform(35, 38);
  const surface = (clo: [number, number]) => clothingSurfaceC(skinC, room.ambientC, rng.uniform(...clo));
  const trunkC = surface([0.4, 1.5]);
  const legC = surface([0.2, 0.8]);
  const headC = surface([0.1, 0.4]);
  const yaw = rng.uniform(0, 2 * Math.PI);
  const ux = Math.cos(yaw), uz = Math.sin(yaw);
  const half = length / 2;
  const trunkY = lying ? radius : legM + radius;
  const bodies: Capsule[] = [];
  const cap = (ax: number, ay: number, az: number, bx: number, by: number, bz: number, r: number, c: number) =>
    bodies.push({ ax, ay, az, bx, by, bz, radiusM: r, celsius: c });
  cap(x - ux * half, trunkY, z - uz * half, x + ux * half, trunkY, z + uz * half, radius, trunkC);
  const headAhead = half + radius * 0.6 + headR;
  cap(x + ux * headAhead, trunkY + radius * (lying ? 0.3 : 0.9), z + uz * headAhead,
    x + ux * headAhead, trunkY + radius * (lying ? 0.3 : 0.9), z + uz * headAhead, headR, headC);
  if (!lying) {
    const legR = Math.max(0.015, radius * 0.25);
    const side = radius * 0.6;
    for (const along of [-half * 0.8, half * 0.8]) {
      for (const across of [-side, side]) {
        const lx = x + ux * along - uz * across, lz = z + uz * along + ux * across;
        cap(lx, legR, lz, lx, trunkY, lz, legR, legC);
      }
    }
  }
  return bodies;
}
