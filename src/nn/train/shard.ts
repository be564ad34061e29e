/**
 * One thread's share of a training step: build the shard's batch (frames, augmentation, input
 * transform), run the detector forward on the tape, take the composite loss of src/nn/loss, and
 * backpropagate. The same class runs in the main thread and in every worker (worker.ts), so a
 * 1-thread run and an N-thread run execute identical code.
 */
import { BufferPool, Tape } from '../tensor.js';
import { Rng } from '../layers/rng.js';
import { Detector, detectorAnchorSpec } from '../model/detector.js';
import type { DetectorConfig } from '../model/config.js';
import {
  flattenBuffers, flattenGradients, parameterLength, unflattenBuffers, unflattenParameters, type InputTransform,
} from '../model/serialize.js';
import { buildAnchors } from '../detect/anchors.js';
import type { AnchorSet } from '../detect/types.js';
import { detectionLoss, type LossConfig } from '../loss/index.js';
import { openFrameSource, type FrameSource, type FrameSourceSpec } from './frames.js';
import { augmentBatch, inputTensor, type AugmentOptions } from './batch.js';

export interface ShardSetup {
  config: DetectorConfig;
  loss: LossConfig;
  augment: AugmentOptions;
  inputTransform: InputTransform;
  frames: FrameSourceSpec;
}

export interface ShardJob {
  /** Current parameters (flat, parameter order) and BatchNorm buffers. */
  parameters: Float32Array;
  buffers: Float32Array;
  /** Training-frame indices of this shard. */
  indices: number[];
  /** Seeds the shard's augmentation, so results do not depend on which thread ran it. */
  augmentSeed: number;
}

export interface ShardResult {
  gradients: Float32Array;
  /** BatchNorm running statistics after this shard's forward pass. */
  buffers: Float32Array;
  samples: number;
  loss: number;
  terms: Record<string, number>;
  positives: number;
}

export class ShardTrainer {
  readonly model: Detector;
  readonly anchors: AnchorSet;
  readonly source: FrameSource;
  /** The step's activations and gradients, reused by the next step (nothing of a step outlives run()). */
  private readonly buffers = new BufferPool();

  constructor(readonly setup: ShardSetup) {
    this.model = new Detector(setup.config);
    this.anchors = buildAnchors(detectorAnchorSpec(setup.config));
    this.source = openFrameSource(setup.frames);
  }

  run(job: ShardJob): ShardResult {
    const model = this.model;
    unflattenParameters(model, job.parameters);
    unflattenBuffers(model, job.buffers);
    model.setTraining(true);
    for (const p of model.parameters()) p.tensor.zeroGrad();

    const rng = new Rng(job.augmentSeed);
    const frames = augmentBatch(job.indices.map((i) => this.source.train(i)), this.setup.augment, rng);
    const x = inputTensor(frames, this.setup.inputTransform);
    const tape = new Tape(this.buffers);
    const out = model.forward(tape, x);
    const loss = detectionLoss(out.data, frames.map((f) => f.boxes), this.anchors, this.setup.loss);
    tape.backward(out, loss.grad);
    const result: ShardResult = {
      gradients: flattenGradients(model, new Float32Array(parameterLength(model))),
      buffers: flattenBuffers(model),
      samples: frames.length,
      loss: loss.total,
      terms: loss.terms,
      positives: loss.counts.positives,
    };
    this.buffers.recycle();
    return result;
  }
}
