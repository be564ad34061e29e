/**
 * Where training frames come from. The spec is plain data so every worker thread can build the
 * same source itself: synthetic frames are a pure function of (seed, index) in src/nn/data, so a
 * worker generates (and caches) exactly the frames of its shards, and no pixels cross threads.
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
  train(index: number): ThermalFrame;
  val(index: number): ThermalFrame;
}

/** Validation frames come from a different seed stream than training frames. */
const VAL_SEED_OFFSET = 1_000_003;

class SyntheticSource implements FrameSource {
  private readonly config: GeneratorConfig;
  private readonly trainCache = new Map<number, ThermalFrame>();
  private readonly valCache = new Map<number, ThermalFrame>();

  constructor(private readonly spec: SyntheticSourceSpec) {
    this.config = resolveGeneratorConfig(spec.generator ?? {});
  }

  get trainCount(): number {
    return this.spec.trainFrames;
  }

  get valCount(): number {
    return this.spec.valFrames;
  }

  train(index: number): ThermalFrame {
    let f = this.trainCache.get(index);
    if (!f) {
      f = generateFrame(this.config, this.spec.seed, index);
      this.trainCache.set(index, f);
    }
    return f;
  }

  val(index: number): ThermalFrame {
    let f = this.valCache.get(index);
    if (!f) {
      f = generateFrame(this.config, this.spec.seed + VAL_SEED_OFFSET, index);
      this.valCache.set(index, f);
    }
    return f;
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
