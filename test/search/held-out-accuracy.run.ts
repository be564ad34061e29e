/**
 * The search's own accuracy measure on more frames than a search step uses: mAP@0.5 and F1 of each
 * weights file on N held-out frames of the search's held-out stream (seed 7000), with the scenes
 * (lens mix) and input transform of the start model, as the acceptance runs quote them
 * (reports/search-stm32f411re-16.84ms.md):
 *
 *   npx tsx test/search/held-out-accuracy.run.ts [--frames 512] [--start models/detector-default.weights.json] A.weights.json [B.weights.json ...]
 *
 * A run script, not a vitest suite (it takes about 5 s a model).
 */
import { fromWeightsFile, readWeightsFile } from '../../src/nn/model/serialize.js';
import { heldOutAccuracy, setupFromWeightsFile } from '../../src/search/fine-tune.js';

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}
const frames = Number(option('frames', '512'));
const start = option('start', 'models/detector-default.weights.json');
if (!Number.isInteger(frames) || frames < 1 || args.length === 0) {
  process.stderr.write('usage: npx tsx test/search/held-out-accuracy.run.ts [--frames N] [--start W] A.weights.json [...]\n');
  process.exit(2);
}
const setup = setupFromWeightsFile(readWeightsFile(start));
for (const path of args) {
  const { model } = fromWeightsFile(readWeightsFile(path), path);
  const a = heldOutAccuracy(model, setup, frames);
  console.log(`${path}\tmAP@0.5 ${a.mAP50.toFixed(3)}\tF1 ${a.f1.toFixed(3)}`);
}
