/**
 * Physics sanity of the generator against src/nn/data/THERMAL.md:
 * §3 body size vs distance and FoV (pinhole table; f-theta for the 110° lens, by hand),
 * §2.2 skin temperature at close range and background mixing with distance,
 * §6 depth-ordered occlusion (the nearer person wins, not max()).
 */
import { describe, expect, it } from 'vitest';
import { renderFrame } from '../../../src/nn/data/generate.js';
import { renderScene } from '../../../src/nn/data/render.js';
import type { Scene } from '../../../src/nn/data/scene.js';
import { configWith, flatRoom, idealSensor, person, sideScene } from './fixtures.js';

const DEG = Math.PI / 180;
/** Boxes come from an 8x subpixel grid: each edge is within 1/8 px, plus table rounding. */
const BOX_TOL_PX = 0.3;

describe('apparent size follows distance and field of view (src/nn/data/THERMAL.md §3)', () => {
  it('MLX90640-BAB 55x35: 0.45 x 1.70 m person is 4.6 x 21.6 px at 3 m and 2.8 x 12.9 px at 5 m', () => {
    const sensor = idealSensor('mlx90640');
    for (const [d, w, h] of [[3, 4.6, 21.6], [5, 2.8, 12.9]]) {
      const { boxes } = renderScene(sideScene([person({ z: d })]), sensor, 8);
      expect(boxes).toHaveLength(1);
      expect(boxes[0].w).toBeCloseTo(w, 0);
      expect(Math.abs(boxes[0].w - w)).toBeLessThan(BOX_TOL_PX);
      expect(Math.abs(boxes[0].h - h)).toBeLessThan(BOX_TOL_PX);
      // Centred on the optical axis: the box is symmetric about the image centre (16, 12).
      expect(Math.abs(boxes[0].x + boxes[0].w / 2 - 16)).toBeLessThan(0.2);
      expect(Math.abs(boxes[0].y + boxes[0].h / 2 - 12)).toBeLessThan(0.2);
    }
  });

  it('MLX90640-BAA 110x75 uses equal angle per pixel (f-theta): sizes at 3 m by hand', () => {
    const sensor = idealSensor('mlx90640-wide');
    const { boxes } = renderScene(sideScene([person({ z: 3 })]), sensor, 8);
    // Angular extent * pixels per radian: 32 px over 110°, 24 px over 75°.
    const w = 2 * Math.atan(0.225 / 3) * (32 / (110 * DEG));
    const h = 2 * Math.atan(0.85 / 3) * (24 / (75 * DEG));
    expect(w).toBeCloseTo(2.5, 1);
    expect(Math.abs(boxes[0].w - w)).toBeLessThan(BOX_TOL_PX);
    expect(Math.abs(boxes[0].h - h)).toBeLessThan(BOX_TOL_PX);
  });

  it('Lepton 80x60, 50° HFOV: person at 5 m by hand (pinhole)', () => {
    const sensor = idealSensor('lepton');
    const { boxes } = renderScene(sideScene([person({ z: 5 })]), sensor, 8);
    const fx = 40 / Math.tan(25 * DEG);
    const fy = 30 / Math.tan((38.5 / 2) * DEG);
    expect(Math.abs(boxes[0].w - (0.45 / 5) * fx)).toBeLessThan(BOX_TOL_PX);
    expect(Math.abs(boxes[0].h - (1.7 / 5) * fy)).toBeLessThan(BOX_TOL_PX);
  });

  it('overhead BAB at range 1.0 m: a 0.45 m blob spans 13.8 px across, 0.25 m spans 9.5 px down', () => {
    const sensor = idealSensor('mlx90640');
    const sphere = (r: number) => ({ posture: 'standing' as const, parts: [{ ax: 0, ay: 1.7, az: 0, bx: 0, by: 1.7, bz: 0, radiusM: r, celsius: 33 }] });
    const scene = (r: number): Scene => ({
      mount: 'overhead', camera: { heightM: 2.7, pitchDeg: 90 }, room: flatRoom(), people: [sphere(r)], objects: [], tags: [],
    });
    expect(Math.abs(renderScene(scene(0.225), sensor, 8).boxes[0].w - 13.8)).toBeLessThan(BOX_TOL_PX);
    expect(Math.abs(renderScene(scene(0.125), sensor, 8).boxes[0].h - 9.5)).toBeLessThan(BOX_TOL_PX);
  });
});

describe('apparent temperatures (src/nn/data/THERMAL.md §2.1-2.2)', () => {
  it('at 1 m the face fills whole pixels, so the hottest pixel reads skin temperature (32-35 °C)', () => {
    const config = configWith(idealSensor('mlx90640', true)); // keep the optical PSF
    for (const skin of [32, 35]) {
      // Camera at head-centre height: the head sphere (r = 0.11 m, 6.8 px across at 1 m) is on axis.
      const scene = sideScene([person({ z: 1, skinC: skin, headC: skin })], 1.59);
      const frame = renderFrame(config, scene, 1, 0);
      const peak = Math.max(...frame.celsius);
      expect(peak).toBeLessThanOrEqual(skin + 1e-4);
      expect(peak).toBeGreaterThan(skin - 0.3);
    }
  });

  it('pixel mixing: the peak contrast of a person falls with distance but stays above ambient', () => {
    const sensor = idealSensor('mlx90640', true);
    const config = configWith(sensor);
    const peak = (d: number) => Math.max(...renderFrame(config, sideScene([person({ z: d, skinC: 34, headC: 34 })], 1.59), 1, 0).celsius);
    const near = peak(1);
    const far = peak(8);
    // At 8 m the head is 0.22/8 * 30.7 = 0.85 px wide: less than a pixel, so background mixes in.
    expect(far).toBeLessThan(near - 1);
    expect(far).toBeGreaterThan(22 + 1);
  });

  it('an area-averaged pixel is the coverage-weighted mean of the two temperatures (§2.1)', () => {
    // A 1 m wide hot slab seen on axis whose left edge sits mid-pixel: that pixel reads the average.
    const sensor = idealSensor('mlx90640');
    const fx = 16 / Math.tan(27.5 * DEG);
    const xEdge = (0.5 / fx) * 4; // half a pixel right of the image centre, 4 m away
    const scene: Scene = {
      ...sideScene([]),
      objects: [{ kind: 'radiator', parts: [{ min: [xEdge, -1, 3.99], max: [xEdge + 1, 3, 4], celsius: 42 }] }],
    };
    const { ideal } = renderScene(scene, sensor, 8);
    expect(ideal[12 * 32 + 16]).toBeCloseTo((22 + 42) / 2, 4);
    expect(ideal[12 * 32 + 17]).toBeCloseTo(42, 4);
    expect(ideal[12 * 32 + 15]).toBeCloseTo(22, 4);
  });
});

describe('overlapping people: depth-ordered occlusion (src/nn/data/THERMAL.md §6)', () => {
  // Near person cooler than the far one, so max() over people would give the wrong answer.
  const near = person({ z: 3, upperC: 27, lowerC: 27 });
  const far = person({ x: 0.5, z: 5, upperC: 31, lowerC: 31 });
  const sensor = idealSensor('mlx90640');

  it('the nearer person owns the shared pixels, whatever order the people are listed in', () => {
    const a = renderScene(sideScene([near, far]), sensor, 8);
    const b = renderScene(sideScene([far, near]), sensor, 8);
    expect(Array.from(a.ideal)).toEqual(Array.from(b.ideal));
    // Pixel (16, 9) sees the near torso (x = 0.05 m at 3 m, y = 1.08 m), with the far torso behind it.
    expect(a.ideal[9 * 32 + 16]).toBeCloseTo(27, 5);
  });

  it('boxes are the visible extents: the far box is cut by the near person and both are flagged', () => {
    const { boxes, tags } = renderScene(sideScene([near, far]), sensor, 8);
    expect(boxes).toHaveLength(2);
    const [b0, b1] = boxes;
    // Near person unoccluded: full 4.6 x 21.6 px (§3 table).
    expect(Math.abs(b0.w - 4.6)).toBeLessThan(BOX_TOL_PX);
    expect(Math.abs(b0.h - 21.6)).toBeLessThan(BOX_TOL_PX);
    // Far person: amodal width 0.45 / 5 * 30.73 = 2.77 px, right edge at 16 + 0.725 / 5 * 30.73.
    const fx = 16 / Math.tan(27.5 * DEG);
    expect(Math.abs(b1.x + b1.w - (16 + (0.725 / 5) * fx))).toBeLessThan(BOX_TOL_PX);
    // Its left edge is its own left leg (0.5 - 0.17 m at 5 m): the near legs end at 0.17 m at 3 m
    // (17.74 px), short of it, while the far left arm (from 17.69 px) hides behind the near right arm.
    expect(Math.abs(b1.x - (16 + (0.33 / 5) * fx))).toBeLessThan(BOX_TOL_PX);
    expect(b1.w).toBeLessThan((0.45 / 5) * fx - 0.2);
    expect(b1.x).toBeGreaterThan(b0.x);
    expect(b0.overlapping).toBe(true);
    expect(b1.overlapping).toBe(true);
    expect(tags).toContain('overlapping');
  });

  it('a mostly hidden taller person keeps a box of its visible head and shoulders, tagged occluded', () => {
    const front = person({ z: 3, heightM: 1.5 });
    const back = person({ z: 4, heightM: 1.95 });
    const { boxes, tags } = renderScene(sideScene([front, back]), sensor, 8);
    expect(boxes).toHaveLength(2);
    const fy = 12 / Math.tan(17.5 * DEG);
    // Crown of the back person: 1.95 m at 4 m, camera at 0.85 m.
    expect(Math.abs(boxes[1].y - (12 - (1.1 / 4) * fy))).toBeLessThan(BOX_TOL_PX);
    // Its amodal height is 1.95 / 4 * fy = 18.6 px; below the front person's shoulders it is hidden.
    expect(boxes[1].h).toBeLessThan((1.95 / 4) * fy / 2);
    expect(tags).toContain('occluded');
  });

  it('a person hidden behind a nearer one gets no box', () => {
    // At 8 m a 1.5 m person spans x within +-0.86 px and rows 8.9-16.0: inside the near silhouette.
    const hidden = person({ z: 8, heightM: 1.5 });
    const alone = renderScene(sideScene([hidden]), sensor, 8);
    expect(alone.boxes).toHaveLength(1);
    const { boxes } = renderScene(sideScene([near, hidden]), sensor, 8);
    expect(boxes).toHaveLength(1);
    expect(boxes[0].overlapping).toBeUndefined();
  });
});

describe('MLX chess sub-pages with a walking person (src/nn/data/THERMAL.md §1.2, §4 step 6)', () => {
  // 1 m/s along +x at a 2 Hz sub-page rate: the older sub-page saw the person 0.5 m to the left.
  const walker = { ...person({ z: 3 }), velocity: [1, 0] as [number, number] };
  const fx = 16 / Math.tan(27.5 * DEG);

  it('pixels of the newest sub-page colour show the person now, the others where it was', () => {
    const config = configWith(idealSensor('mlx90640'));
    expect(config.sensor.chessSubPages).toBe(true);
    const even = renderFrame(config, sideScene([walker]), 1, 0); // newest sub-page: (x + y) even
    // Row 9 crosses the torso (29 °C): now at columns 15-16, 0.5 m earlier at columns 10-11.
    expect(even.celsius[9 * 32 + 15]).toBeCloseTo(29, 4); // even, now: torso
    expect(even.celsius[9 * 32 + 16]).toBeCloseTo(22, 4); // odd, earlier: background
    expect(even.celsius[9 * 32 + 10]).toBeCloseTo(29, 4); // odd, earlier: torso
    expect(even.celsius[9 * 32 + 11]).toBeCloseTo(22, 4); // even, now: background
    const odd = renderFrame(config, sideScene([walker]), 1, 1);
    expect(odd.celsius[9 * 32 + 16]).toBeCloseTo(29, 4);
    expect(odd.celsius[9 * 32 + 15]).toBeCloseTo(22, 4);
    expect(even.tags).toContain('chess-motion');
    // The box spans both instants: left edge of the earlier body to the right edge of the current one.
    expect(Math.abs(even.boxes[0].x - (16 + (-0.725 / 3) * fx))).toBeLessThan(BOX_TOL_PX);
    expect(Math.abs(even.boxes[0].x + even.boxes[0].w - (16 + (0.225 / 3) * fx))).toBeLessThan(BOX_TOL_PX);
  });

  it('a sensor without chess readout (Lepton-style) shows one instant', () => {
    const config = configWith({ ...idealSensor('mlx90640'), chessSubPages: false });
    const frame = renderFrame(config, sideScene([walker]), 1, 0);
    expect(frame.celsius[9 * 32 + 16]).toBeCloseTo(29, 4);
    expect(frame.celsius[9 * 32 + 10]).toBeCloseTo(22, 4);
    expect(frame.tags).not.toContain('chess-motion');
  });
});

describe('overhead head separability (src/nn/data/THERMAL.md §6)', () => {
  const overhead = (gapM: number): Scene => ({
    mount: 'overhead', camera: { heightM: 2.7, pitchDeg: 90 }, room: flatRoom(), objects: [], tags: [],
    people: [person({ x: -gapM / 2, z: 0 }), person({ x: gapM / 2, z: 0 })],
  });
  // BAB, ceiling 2.7 m: head centres (1.59 m) at range r = 1.11 m; fx = 30.73 px, so 2 px = 0.072 m.
  const sensor = idealSensor('mlx90640');
  it('adjacent people with head centres < 2 px apart are tagged ambiguous-count, wider spacing is not', () => {
    const r = 2.7 - (1.7 - 0.11);
    const gapFor = (px: number) => (px / (16 / Math.tan(27.5 * DEG))) * r;
    expect(renderScene(overhead(gapFor(1.5)), sensor, 8).tags).toContain('ambiguous-count');
    expect(renderScene(overhead(gapFor(6)), sensor, 8).tags).not.toContain('ambiguous-count');
  });
});
