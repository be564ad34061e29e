import { describe, expect, it } from 'vitest';
import {
  generateFrame, generateScene, parseSplitFractions, resolveGeneratorConfig, splitCounts,
} from '../../../src/nn/data/generate.js';
import { clothingSurfaceC } from '../../../src/nn/data/scene.js';

const config = resolveGeneratorConfig({});

function bytes(f: { celsius: Float32Array }): Buffer {
  return Buffer.from(f.celsius.buffer, f.celsius.byteOffset, f.celsius.byteLength);
}

describe('determinism', () => {
  it('the same (seed, index) gives the same frame, bit for bit, in any order', () => {
    const forward = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => generateFrame(config, 42, i));
    // Other seeds, sensors and configs in between must not leak state into later frames.
    generateFrame(resolveGeneratorConfig({ sensor: 'lepton' }), 9, 3);
    generateFrame(config, 43, 7);
    const backward = [7, 6, 5, 4, 3, 2, 1, 0].map((i) => generateFrame(config, 42, i)).reverse();
    forward.forEach((f, i) => {
      expect(bytes(backward[i]).equals(bytes(f))).toBe(true);
      expect(backward[i].boxes).toEqual(f.boxes);
      expect(backward[i].tags).toEqual(f.tags);
    });
    // A freshly resolved but equal config gives the same frames too.
    expect(bytes(generateFrame(resolveGeneratorConfig({}), 42, 5)).equals(bytes(forward[5]))).toBe(true);
  });

  it('different seeds or indices give different frames', () => {
    const a = bytes(generateFrame(config, 1, 0));
    expect(bytes(generateFrame(config, 2, 0)).equals(a)).toBe(false);
    expect(bytes(generateFrame(config, 1, 1)).equals(a)).toBe(false);
  });
});

describe('scene sampling envelope (src/nn/data/THERMAL.md §2.2, §8)', () => {
  const scenes = Array.from({ length: 400 }, (_, i) => generateScene(config, 5, i));

  it('ambient 15-30 °C, at most 6 people, both mounts, every scenario', () => {
    for (const s of scenes) {
      expect(s.room.ambientC).toBeGreaterThanOrEqual(15);
      expect(s.room.ambientC).toBeLessThanOrEqual(30);
      expect(s.people.length).toBeLessThanOrEqual(6);
    }
    const tags = new Set(scenes.flatMap((s) => s.tags));
    for (const t of ['side', 'overhead', 'scenario:empty', 'scenario:single', 'scenario:several', 'scenario:overlapping', 'seated']) {
      expect(tags).toContain(t);
    }
  });

  it('skin parts are 32-35 °C and clothing lies between ambient and skin', () => {
    for (const s of scenes) {
      for (const p of s.people) {
        const temps = p.parts.map((c) => c.celsius);
        const skin = Math.max(...temps);
        expect(skin).toBeGreaterThanOrEqual(32);
        expect(skin).toBeLessThanOrEqual(35);
        expect(Math.min(...temps)).toBeGreaterThan(s.room.ambientC);
      }
    }
  });

  it('empty scenes carry at least one distractor', () => {
    const empties = scenes.filter((s) => s.tags.includes('scenario:empty'));
    expect(empties.length).toBeGreaterThan(20);
    for (const s of empties) expect(s.objects.filter((o) => o.kind !== 'furniture').length).toBeGreaterThanOrEqual(1);
  });

  it('overlapping scenarios produce overlapping boxes much more often than separate ones', () => {
    const share = (scenario: string) => {
      const idx = scenes.map((s, i) => (s.tags.includes(scenario) ? i : -1)).filter((i) => i >= 0).slice(0, 60);
      const hits = idx.filter((i) => generateFrame(config, 5, i).boxes.some((b) => b.overlapping)).length;
      return hits / idx.length;
    };
    expect(share('scenario:overlapping')).toBeGreaterThan(0.6);
    expect(share('scenario:single')).toBe(0);
  });
});

describe('clothing surface model (src/nn/data/THERMAL.md §2.2 table, T_sk = 34 °C)', () => {
  it.each([[18, 0.5, 27.4], [18, 1.0, 24.6], [22, 0.5, 29.0], [22, 1.0, 27.0], [26, 0.5, 30.7], [26, 1.0, 29.3]])(
    'T_a %d °C, %d clo -> %d °C', (ta, clo, expected) => {
      expect(Math.abs(clothingSurfaceC(34, ta, clo) - expected)).toBeLessThan(0.06);
    });
});

describe('splits', () => {
  it('parses fractions and gives contiguous counts', () => {
    const f = parseSplitFractions('train=0.8,val=0.1,test=0.1');
    expect(splitCounts(5000, f)).toEqual({ train: 4000, val: 500, test: 500 });
    expect(splitCounts(64, parseSplitFractions('train=0.75,val=0.125,test=0.125'))).toEqual({ train: 48, val: 8, test: 8 });
  });

  it('rejects bad split specs with one line', () => {
    expect(() => parseSplitFractions('train=0.8,val=0.3')).toThrow('--split: fractions must sum to 1, got 1.1');
    expect(() => parseSplitFractions('train=0.8,dev=0.2')).toThrow("--split: unknown split 'dev' (choose train, val, test)");
    expect(() => parseSplitFractions('80/20')).toThrow("--split: expected name=fraction pairs like train=0.8,val=0.1,test=0.1, got '80/20'");
  });

  it('validates scene config fields by name', () => {
    expect(() => resolveGeneratorConfig({ scene: { ambientC: [30, 15] } })).toThrow('scene.ambientC[1]: must be a number in [30, 45], got 15');
    expect(() => resolveGeneratorConfig({ oversample: 0 })).toThrow('oversample: must be an integer in [1, 32], got 0');
  });
});
