// Detectors with channel widths other than the shipped one (the widths a search proposes): the
// always-inlined conv and depthwise asm blocks must still get their registers inside model_run()
// (these widths once failed with gcc's "'asm' operand has impossible constraints", firmware/nn/kernels/
// README.md "Constraints"), at -O2 and -Os, and the firmware's raw int8 head bytes must equal the host
// int8 reference bit for bit (QEMU, the functional oracle, on a few held-out frames).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFirmware, DEFAULT_MODEL, type OptLevel } from '../../src/codegen/firmware-build.js';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { Detector } from '../../src/nn/model/detector.js';
import { validateDetectorConfig } from '../../src/nn/model/config.js';
import { readWeightsFile, toWeightsFile, DEFAULT_INPUT_TRANSFORM } from '../../src/nn/model/serialize.js';
import { quantizeDetector } from '../../src/nn/quant/quantize.js';
import { referenceRawLines, runInQemu, tempDir, writeHeldOutFrames } from '../firmware/detector-support.js';

/** backbone stage1..4, fpn, head widths: each failed to compile with an earlier form of the asm
 * blocks (depthwise 3x3 at -O2 or -Os, the dense conv's straight-line 1x1 block, its 2-K-pair tail at -Os). */
const WIDTHS: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [8, 16, 24, 8, 16, 32],
  [8, 8, 16, 16, 8, 16],
  [8, 16, 24, 4, 16, 32],
  [4, 12, 20, 28, 12, 20],
  [16, 28, 16, 20, 12, 28],
  [4, 4, 8, 24, 8, 28],
  [28, 4, 16, 28, 28, 4],
];
const FRAMES = 3;

let dir: string;
let frames: string;

/** A detector of these widths with its seeded initial weights (training does not matter here). */
function writeModel(widths: readonly number[]): string {
  const config = structuredClone(readWeightsFile(DEFAULT_MODEL).config);
  const [s1, s2, s3, s4, fpn, head] = widths as [number, number, number, number, number, number];
  const b = config.backbone;
  config.backbone = {
    stage1: { ...b.stage1, width: s1 }, stage2: { ...b.stage2, width: s2 }, stage3: { ...b.stage3, width: s3 }, stage4: { ...b.stage4, width: s4 },
  };
  config.widthMultiplier = 1;
  config.fpn = { ...config.fpn, width: fpn };
  config.head = { ...config.head, width: head };
  const model = new Detector(validateDetectorConfig(config, 'odd-widths'));
  const path = join(dir, `detector-${widths.join('-')}.weights.json`);
  writeFileSync(path, JSON.stringify(toWeightsFile(model, DEFAULT_INPUT_TRANSFORM, false)));
  return path;
}

beforeAll(() => {
  dir = tempDir();
  frames = join(dir, 'frames.bin');
  writeHeldOutFrames(frames, FRAMES);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('detector firmware at odd channel widths', () => {
  for (const widths of WIDTHS) {
    it(`widths ${widths.join('/')} compile at -O2 and -Os and match the host int8 reference in QEMU`, async () => {
      const model = writeModel(widths);
      const expected = referenceRawLines(quantizeDetector(model), frames);
      for (const opt of ['O2', 'Os'] as OptLevel[]) {
        const build = await buildFirmware({ board: loadBoard('mps2-an386'), modelPath: model, opt, raw: true });
        const run = await runInQemu(build.elfPath, [frames, '--raw']);
        expect(run.exitCode, `${opt}: ${run.stderr}`).toBe(0);
        const got = run.stdout.split('\n').filter((l) => l.startsWith('raw '));
        expect(got, `-${opt}`).toEqual(expected);
      }
    }, 240_000);
  }
});
