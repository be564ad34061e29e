/**
 * Where training frames come from. The spec is plain data so every worker thread can build the
 * same source itself: synthetic frames are a pure function of (seed, index) in src/nn/data, so a
 * worker generates exactly the frames of its shards, and no pixels cross threads.
 * Synthetic frames can mix lenses (frame i is taken through sensors[i mod n]) and be fresh every
 * epoch (epoch e trains on frame indices e*N .. e*N+N-1), so a run never sees one frame twice and
 * cannot learn one fixed set's quirks; rendering costs ~2-3 ms a frame, 10-20 % of a
 * sample's training work.
 */
import type { ThermalFrame } from '../data/types.js';
import { generateFrame, resolveGeneratorConfig, type GeneratorConfig, type GeneratorOptions } from '../data/generate.js';

export interface SyntheticSourceSpec {
  kind: 'synthetic';
  seed: number;
  /** Distinct frames per epoch; epochs revisit them with fresh augmentation. */
  trainFrames: number;
  valFrames: number;
  generator?: GeneratorOptions;
  /** Lens mix: frame i uses sensors[i mod n] (default: the generator's sensor only). */
  sensors?: string[];
  /** New frames every epoch instead of revisiting the first `trainFrames`. */
  fresh?: boolean;
}

export interface ListSourceSpec {
  kind: 'list';
  train: ThermalFrame[];
  val: ThermalFrame[];
}

export type FrameSourceSpec = SyntheticSourceSpec | ListSourceSpec;

export interface FrameSource {
  readonly trainCount: number;
  readonly valCount: number;
  /** The frame index behind position `i` of epoch `epoch` (fresh sources move on every epoch). */
  trainIndex(epoch: number, i: number): number;
  train(index: number): ThermalFrame;
  val(index: number): ThermalFrame;
}

/** Validation frames come from a different seed stream than training frames. */
const VAL_SEED_OFFSET = 1_000_003;

class SyntheticSource implements FrameSource {
  private readonly configs: GeneratorConfig[];
  private readonly trainCache = new Map<number, ThermalFrame>();
  private readonly valCache = new Map<number, ThermalFrame>();

  constructor(private readonly spec: SyntheticSourceSpec) {
    const base = spec.generator ?? {};
    const sensors = spec.sensors && spec.sensors.length > 0 ? spec.sensors : [base.sensor ?? 'mlx90640'];
    this.configs = sensors.map((sensor) => resolveGeneratorConfig({ ...base, sensor }));
    const [first] = this.configs;
    for (const c of this.configs) {
      if (c.sensor.width !== first!.sensor.width || c.sensor.height !== first!.sensor.height) {
        throw new Error(`sensors: ${c.sensor.name} (${c.sensor.width}x${c.sensor.height}) and ${first!.sensor.name} (${first!.sensor.width}x${first!.sensor.height}) differ in size`);
      }
    }
  }

  get trainCount(): number {
    return this.spec.trainFrames;
  }

  get valCount(): number {
    return this.spec.valFrames;
  }

  trainIndex(epoch: number, i: number): number {
    return this.spec.fresh ? epoch * this.spec.trainFrames + i : i;
  }

  train(index: number): ThermalFrame {
    // fresh frames are used once: caching them would only grow the heap
    if (this.spec.fresh) return this.render(this.spec.seed, index);
    let f = this.trainCache.get(index);
    if (!f) {
      f = this.render(this.spec.seed, index);
      this.trainCache.set(index, f);
    }
    return f;
  }

  val(index: number): ThermalFrame {
    let f = this.valCache.get(index);
    if (!f) {
      f = this.render(this.spec.seed + VAL_SEED_OFFSET, index);
      this.valCache.set(index, f);
    }
    return f;
  }

  private render(seed: number, index: number): ThermalFrame {
    return generateFrame(this.configs[index % this.configs.length]!, seed, index);
  }
}

class ListSource implements FrameSource {
  constructor(private readonly spec: ListSourceSpec) {}

  get trainCount(): number {
    return this.spec.train.length;
  }

  get valCount(): number {
    return this.spec.val.length;
  }

  trainIndex(_epoch: number, i: number): number {
    return i;
  }

  train(index: number): ThermalFrame {
    return this.spec.train[index]!;
  }

  val(index: number): ThermalFrame {
    return this.spec.val[index]!;
  }
}

export function openFrameSource(spec: FrameSourceSpec): FrameSource {
  return spec.kind === 'synthetic' ? new SyntheticSource(spec) : new ListSource(spec);
}
