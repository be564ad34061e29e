/**
 * int8 deployment of the detector: quantiser, host int8 reference, serialisation.
 *
 * Usage (what `mcusim build` and src/codegen need):
 *
 *   import { quantizeDetector, graphToJson, graphFromJson, runInt8OnCenti } from '../nn/quant/index.js';
 *   const graph = quantizeDetector('models/detector-default.weights.json');   // or a Detector, + options
 *   writeFileSync('cache/graph.json', graphToJson(graph));                    // cacheable, stable format
 *   const again = graphFromJson(readFileSync('cache/graph.json', 'utf8'), 'cache/graph.json');
 *   const run = runInt8OnCenti(again, frameCenti);   // run.tensors[id]: every layer's int8 output,
 *                                                    // run.heads: the raw int8 head outputs (p2, p3)
 *
 * graph.nodes is the execution order; graph.tensors[id] has shape [1,h,w,c], scale, zeroPoint;
 * graph.inputQuantization is the integer frame normalisation (normaliseFrameToInt8). The integer
 * arithmetic of every op is specified in firmware/nn/README.md ("int8 arithmetic") and implemented
 * in int8-ops.ts + fixed-point.ts; the C kernels must match them bit for bit.
 *
 * Calibration: `percentile` (0.01 % tails) is the default, chosen by measurement against `minmax`
 * and `mse` on 512 held-out frames: closest mAP@0.5 to the float model and the smallest head-output
 * error (`npx tsx test/bench/quant-accuracy.ts` prints the comparison).
 */
export * from './graph.js';
export * from './fixed-point.js';
export * from './int8-ops.js';
export * from './normalise.js';
export { CALIBRATION_METHODS, type CalibrationMethod } from './calibrate.js';
export {
  quantizeDetector, sigmoidLut, DEFAULT_CALIBRATION_METHOD, DEFAULT_CALIBRATION_FRAMES, DEFAULT_CALIBRATION_SEED,
  type QuantizeOptions,
} from './quantize.js';
export * from './reference.js';
export * from './serialize.js';
export * from './evaluate.js';
