/**
 * The trained weights file -> the int8 graph (H1a's quantiser, src/nn/quant), with every problem in
 * the file (unreadable, not JSON, wrong format, missing or mis-sized tensors, bad config) reported
 * as one ModelFileError line naming the file.
 */
import { ConfigError } from '../nn/model/config.js';
import { quantizeDetector } from '../nn/quant/quantize.js';
import type { QuantizedGraph } from '../nn/quant/graph.js';

/** The model file is missing or malformed. */
export class ModelFileError extends Error {}

export function loadQuantizedModel(path: string): QuantizedGraph {
  try {
    return quantizeDetector(path);
  } catch (e) {
    if (e instanceof ConfigError) throw new ModelFileError(e.message);
    // A file that parses as JSON but has the wrong shape fails deeper (undefined fields): still the file's fault.
    if (e instanceof TypeError || e instanceof SyntaxError) throw new ModelFileError(`${path}: not a valid detector weights file (${e.message})`);
    throw e;
  }
}
