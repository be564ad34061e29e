/**
 * The synthetic thermal frame generator: scene sampling -> oversampled render -> sensor model.
 * `generateFrame(config, seed, index)` is pure in (config, seed, index): the trainer can call it on
 * the fly, in any order, and get the same frame as the one written to disk.
 */
import { UserError } from '../../common/errors.js';
import { renderWithSubPages } from './subpages.js';
import { Rng } from './rng.js';
import type { Scene } from './scene.js';
import { resolveSceneConfig, validateSceneConfig, type SceneConfig } from './scene-config.js';
import { sampleScene } from './scene-sampler.js';
import { applySensorModel, makeSensorUnit, type SensorUnit } from './sensor-model.js';
import { intIn, resolveSensorConfig, validateSensorConfig, type SensorConfig } from './sensors.js';
import type { ThermalFrame } from './types.js';

export interface GeneratorConfig {
  sensor: SensorConfig;
  scene: SceneConfig;
  /** Render supersampling per axis before pixel integration (src/nn/data/THERMAL.md §4: 8-10x). */
  oversample: number;
  /** Number of simulated physical sensors; frame i is taken with unit i mod sensorUnits. */
  sensorUnits: number;
}

export interface GeneratorOptions {
  sensor?: string;
  sensorOverrides?: Partial<Omit<SensorConfig, 'name'>>;
  scene?: Partial<SceneConfig>;
  oversample?: number;
  sensorUnits?: number;
}

export function resolveGeneratorConfig(options: GeneratorOptions = {}): GeneratorConfig {
  const config: GeneratorConfig = {
    sensor: resolveSensorConfig(options.sensor ?? 'mlx90640', options.sensorOverrides),
    scene: resolveSceneConfig(options.scene),
    oversample: options.oversample ?? 8,
    sensorUnits: options.sensorUnits ?? 8,
  };
  validateGeneratorConfig(config);
  return config;
}

/**
 * Checks a complete config, e.g. one read back from a dataset's `info.generator`. Configs are
 * treated as immutable once used: sensor units are cached per config object.
 */
export function validateGeneratorConfig(config: GeneratorConfig): void {
  validateSensorConfig(config.sensor);
  validateSceneConfig(config.scene);
  intIn(config.oversample, 1, 32, 'oversample');
  intIn(config.sensorUnits, 1, 1_000_000, 'sensorUnits');
}

const STREAM_SCENE = 0x7363656e;
const STREAM_NOISE = 0x6e6f6973;

/** The scene behind frame `index` (exposed for tests and for debugging a frame). */
export function generateScene(config: GeneratorConfig, seed: number, index: number): Scene {
  checkSeedIndex(seed, index);
  return sampleScene(Rng.forKey(seed, index, STREAM_SCENE), config.scene, config.sensor);
}

const unitCache = new WeakMap<SensorConfig, Map<string, SensorUnit>>();

export function sensorUnitFor(config: GeneratorConfig, seed: number, index: number): SensorUnit {
  let bySeed = unitCache.get(config.sensor);
  if (!bySeed) {
    bySeed = new Map();
    unitCache.set(config.sensor, bySeed);
  }
  const unitIndex = index % config.sensorUnits;
  const key = `${seed}:${unitIndex}`;
  let unit = bySeed.get(key);
  if (!unit) {
    unit = makeSensorUnit(config.sensor, seed, unitIndex);
    if (bySeed.size > 4096) bySeed.clear(); // bound the cache for many-unit configs
    bySeed.set(key, unit);
  }
  return unit;
}

/** Renders a given scene through the sensor of `config` (noise drawn from (seed, index)). */
export function renderFrame(config: GeneratorConfig, scene: Scene, seed: number, index: number): ThermalFrame {
  const { sensor } = config;
  const rendered = renderWithSubPages(scene, sensor, config.oversample, index);
  const unit = sensorUnitFor(config, seed, index);
  const celsius = applySensorModel(rendered.ideal, sensor, unit, Rng.forKey(seed, index, STREAM_NOISE));
  const tags = [...scene.tags, ...rendered.tags];
  if (rendered.boxes.length === 0) tags.push('empty'); // no labelled person, whatever the scenario
  if (unit.striped) tags.push('stripes');
  if (unit.deadIndex.length > 0) tags.push('dead-pixels');
  return { width: sensor.width, height: sensor.height, celsius, boxes: rendered.boxes, tags };
}

export function generateFrame(config: GeneratorConfig, seed: number, index: number): ThermalFrame {
  return renderFrame(config, generateScene(config, seed, index), seed, index);
}

function checkSeedIndex(seed: number, index: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`seed: must be a non-negative integer, got ${seed}`);
  if (!Number.isSafeInteger(index) || index < 0) throw new UserError(`index: must be a non-negative integer, got ${index}`);
}

export type SplitName = 'train' | 'val' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];
export type SplitFractions = Record<SplitName, number>;

/**
 * Parses `train=0.8,val=0.1,test=0.1` (missing names get 0). Fractions must be >= 0 and sum to 1.
 */
export function parseSplitFractions(text: string): SplitFractions {
  const out: SplitFractions = { train: 0, val: 0, test: 0 };
  for (const item of text.split(',')) {
    const m = /^\s*(\w+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(item);
    if (!m) throw new UserError(`--split: expected name=fraction pairs like train=0.8,val=0.1,test=0.1, got '${text}'`);
    if (!(SPLIT_NAMES as readonly string[]).includes(m[1])) {
      throw new UserError(`--split: unknown split '${m[1]}' (choose ${SPLIT_NAMES.join(', ')})`);
    }
    const v = Number(m[2]);
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new UserError(`--split: ${m[1]} must be a fraction in [0, 1], got ${m[2]}`);
    out[m[1] as SplitName] = v;
  }
  const sum = out.train + out.val + out.test;
  if (Math.abs(sum - 1) > 1e-6) throw new UserError(`--split: fractions must sum to 1, got ${+sum.toFixed(6)}`);
  return out;
}

/**
 * Frame counts per split: contiguous index ranges [0, train), [train, train+val), rest = test.
 * Every frame is an independent draw, so contiguous ranges are as unbiased as shuffled ones.
 */
export function splitCounts(count: number, f: SplitFractions): Record<SplitName, number> {
  const train = Math.round(count * f.train);
  const val = Math.min(count - train, Math.round(count * f.val));
  return { train, val, test: count - train - val };
}

/**
 * Generates `count` frames with their split (contiguous ranges, see splitCounts), calling
 * `onProgress(done)` every 64 frames and at the end.
 */
export function generateSplitFrames(config: GeneratorConfig, seed: number, count: number, fractions: SplitFractions,
  onProgress?: (done: number) => void): { frame: ThermalFrame; split: SplitName }[] {
  intIn(count, 1, 10_000_000, 'count');
  const counts = splitCounts(count, fractions);
  const out: { frame: ThermalFrame; split: SplitName }[] = [];
  for (let i = 0; i < count; i++) {
    const split: SplitName = i < counts.train ? 'train' : i < counts.train + counts.val ? 'val' : 'test';
    out.push({ frame: generateFrame(config, seed, i), split });
    if (onProgress && ((i + 1) % 64 === 0 || i + 1 === count)) onProgress(i + 1);
  }
  return out;
}
