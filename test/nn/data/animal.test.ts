/**
 * The 'animal' distractor (src/nn/data/THERMAL.md §5.1): cats and dogs on the floor, fur-insulated
 * surfaces from §2.2's series model, rendered but never labelled, deterministic per (seed, index),
 * and absent from configs that do not list it (a dataset's recorded kinds draw the frames they drew).
 */
import { describe, expect, it } from 'vitest';
import { generateFrame, generateScene, resolveGeneratorConfig } from '../../../src/nn/data/generate.js';
import { clothingSurfaceC } from '../../../src/nn/data/scene.js';

const animalsOnly = (sensor: string, mount: 'side' | 'overhead') => resolveGeneratorConfig({
  sensor, scene: { mount, distractorKinds: ['animal'], scenarioWeights: { empty: 1, single: 0, several: 0, overlapping: 0 } },
});
const bytes = (f: { celsius: Float32Array }) => Buffer.from(f.celsius.buffer, f.celsius.byteOffset, f.celsius.byteLength);

describe("'animal' distractor", () => {
  it('is seen from both mounts through both lenses, tagged, never labelled as a person', () => {
    for (const sensor of ['mlx90640', 'mlx90640-wide']) {
      for (const mount of ['side', 'overhead'] as const) {
        const frames = Array.from({ length: 30 }, (_, i) => generateFrame(animalsOnly(sensor, mount), 3, i));
        const tagged = frames.filter((f) => f.tags?.includes('distractor:animal')).length;
        expect(tagged, `${sensor} ${mount}`).toBeGreaterThanOrEqual(27);
        expect(frames.every((f) => f.boxes.length === 0)).toBe(true);
      }
    }
  });

  it('has fur-insulated surface temperatures: trunk and legs under the face, all between ambient and 38 °C', () => {
    const config = animalsOnly('mlx90640', 'side');
    let animals = 0;
    for (let i = 0; i < 100; i++) {
      const scene = generateScene(config, 8, i);
      const ta = scene.room.ambientC;
      for (const obj of scene.objects.filter((o) => o.kind === 'animal')) {
        animals++;
        const [trunk, head, ...legs] = obj.bodies!;
        // trunk: skin 35-38 °C under 0.4-1.5 clo of fur; head: 0.1-0.4 clo (§5.1)
        expect(trunk!.celsius).toBeGreaterThanOrEqual(clothingSurfaceC(35, ta, 1.5) - 1e-9);
        expect(trunk!.celsius).toBeLessThanOrEqual(clothingSurfaceC(38, ta, 0.4) + 1e-9);
        expect(head!.celsius).toBeGreaterThanOrEqual(clothingSurfaceC(35, ta, 0.4) - 1e-9);
        expect(head!.celsius).toBeLessThanOrEqual(clothingSurfaceC(38, ta, 0.1) + 1e-9);
        for (const leg of legs) {
          expect(leg.celsius).toBeGreaterThan(ta);
          expect(leg.celsius).toBeLessThan(38);
          expect(Math.min(leg.ay, leg.by) - leg.radiusM).toBeGreaterThanOrEqual(-1e-9); // stands on the floor
        }
        expect(legs.length === 0 || legs.length === 4).toBe(true);
      }
    }
    expect(animals).toBeGreaterThan(60);
  });

  it('in a 22 °C room the trunk reads 26-31 °C and the face 31-34 °C for a 36 °C skin (§5.1 worked values)', () => {
    expect(clothingSurfaceC(36, 22, 1.5)).toBeCloseTo(26.5, 1);
    expect(clothingSurfaceC(36, 22, 0.4)).toBeCloseTo(31.0, 1);
    expect(clothingSurfaceC(36, 22, 0.1)).toBeCloseTo(34.3, 1);
  });

  it('warms the frame where it stands: the warmest pixel is >= 2 K over the median in most frames', () => {
    const frames = Array.from({ length: 30 }, (_, i) => generateFrame(animalsOnly('mlx90640', 'overhead'), 4, i));
    const warm = frames.filter((f) => {
      const s = Float32Array.from(f.celsius).sort();
      return s[s.length - 5]! - s[s.length >> 1]! >= 2; // 5th warmest: not a lone outlier pixel
    }).length;
    expect(warm).toBeGreaterThanOrEqual(24);
  });

  it('is deterministic per (seed, index) and absent unless a config lists it', () => {
    const config = resolveGeneratorConfig({ scene: { distractorKinds: ['animal', 'mug'] } });
    const a = [5, 6, 7].map((i) => generateFrame(config, 11, i));
    const b = [7, 6, 5].map((i) => generateFrame(config, 11, i)).reverse();
    a.forEach((f, i) => expect(bytes(b[i]!).equals(bytes(f))).toBe(true));
    const without = resolveGeneratorConfig({ scene: { distractorKinds: ['radiator', 'monitor', 'mug'] } });
    for (let i = 0; i < 50; i++) expect(generateScene(without, 2, i).objects.some((o) => o.kind === 'animal')).toBe(false);
  });
});
