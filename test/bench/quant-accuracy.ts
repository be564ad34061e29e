/**
 * int8 vs float accuracy of the shipped detector, per calibration method: mAP@0.5, F1 (IoU 0.5,
 * score 0.5), false positives per empty frame on held-out synthetic frames (src/nn/quant/evaluate.ts),
 * plus the fidelity of the raw head outputs (RMS error of the dequantised int8 box offsets and class
 * logits against the float model). This is the measurement behind the default calibration method
 * (src/nn/quant/quantize.ts DEFAULT_CALIBRATION_METHOD) and the README's int8 numbers.
 *
 *   npx tsx test/bench/quant-accuracy.ts [--frames 512] [--calibration 256] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromWeightsFile, readWeightsFile } from '../../src/nn/model/serialize.js';
import { calibrateModel, calibrationFrames, quantizeCalibrated } from '../../src/nn/quant/quantize.js';
import { CALIBRATION_METHODS } from '../../src/nn/quant/calibrate.js';
import { evaluateFloat, evaluateInt8, headline, heldOutFrames, HELD_OUT_SEED } from '../../src/nn/quant/evaluate.js';
import { dequantizeHeads, runInt8OnCelsius } from '../../src/nn/quant/reference.js';
import { predict } from '../../src/nn/train/validate.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '512' },
    calibration: { type: 'string', default: '256' },
    model: { type: 'string', default: 'models/detector-default.weights.json' },
    json: { type: 'string' },
  },
});
const frameCount = Number(values.frames), calibrationCount = Number(values.calibration);
const started = performance.now();
const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);

const { model, inputTransform } = fromWeightsFile(readWeightsFile(values.model!), values.model!);
model.setTraining(false);
const calibration = calibrationFrames({ calibrationFrames: calibrationCount });
const calibrated = calibrateModel(model, calibration, inputTransform);
const frames = heldOutFrames(frameCount);
const floatOut = predict(model, frames, inputTransform);
const floatMetrics = headline(evaluateFloat(model, inputTransform, frames));
process.stderr.write(`calibrated on ${calibrationCount} training frames, float evaluated on ${frameCount} held-out frames (seed ${HELD_OUT_SEED}): ${seconds()} s\n`);

const stride = 4 + model.config.classes.length;
const rows = CALIBRATION_METHODS.map((method) => {
  const graph = quantizeCalibrated(model, calibrated, method, inputTransform, calibrationCount, 1);
  const sq = { box: 0, logit: 0, nBox: 0, nLogit: 0 };
  frames.forEach((f, k) => {
    const q = dequantizeHeads(graph, runInt8OnCelsius(graph, f.celsius).heads);
    const base = k * q.length;
    for (let i = 0; i < q.length; i++) {
      const e = (q[i]! - floatOut[base + i]!) ** 2;
      if (i % stride < 4) { sq.box += e; sq.nBox++; } else { sq.logit += e; sq.nLogit++; }
    }
  });
  const m = headline(evaluateInt8(graph, frames));
  process.stderr.write(`${method}: ${seconds()} s\n`);
  return { method, ...m, dMAP50: m.mAP50 - floatMetrics.mAP50, rmsBox: Math.sqrt(sq.box / sq.nBox), rmsLogit: Math.sqrt(sq.logit / sq.nLogit), inputQuantization: graph.inputQuantization };
});

const f3 = (v: number): string => v.toFixed(4);
console.log(`| model | mAP@0.5 | delta vs float | F1 | FP / empty frame | RMS box offset error | RMS logit error |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|`);
console.log(`| float | ${f3(floatMetrics.mAP50)} | | ${f3(floatMetrics.f1)} | ${f3(floatMetrics.fpPerEmptyFrame)} | | |`);
for (const r of rows) {
  console.log(`| int8 ${r.method} | ${f3(r.mAP50)} | ${r.dMAP50 >= 0 ? '+' : ''}${f3(r.dMAP50)} | ${f3(r.f1)} | ${f3(r.fpPerEmptyFrame)} | ${f3(r.rmsBox)} | ${f3(r.rmsLogit)} |`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ frames: frameCount, heldOutSeed: HELD_OUT_SEED, calibrationFrames: calibrationCount, float: floatMetrics, int8: rows }, null, 2) + '\n');
