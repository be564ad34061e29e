/**
 * Measured latency (src/search/latency.ts): the layer list predicted without compiling matches the
 * ELF's own layer table, and a latency table filled from one candidate's full run predicts a
 * second candidate of the same widths but different weights (never measured) within 1 % of its own
 * full build + simulation. Needs arm-none-eabi-gcc (installed by .ci/install-toolchain).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/mcu/boards/load.js';
import { Detector } from '../../src/nn/model/detector.js';
import { fromWeightsFile, readWeightsFile, toWeightsFile } from '../../src/nn/model/serialize.js';
import { pruneDetector } from '../../src/search/prune.js';
import { firmwareLayers, LatencyTable, latencyFrames, measureFirmware, predictionError } from '../../src/search/latency.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latency table', () => {
  it('predicts an unmeasured candidate within 1 % of its full run', async () => {
    const board = loadBoard('stm32f411re');
    const frames = latencyFrames(resolve('firmware/frames/sample.bin'), join(dir, 'one.bin'), 1);
    const shipped = fromWeightsFile(readWeightsFile('models/detector-default.weights.json'), 'shipped');
    const widths = { stage1: 8, stage2: 12, stage3: 16, stage4: 20, fpn: 12, head: 16 };
    const a = pruneDetector(shipped.model, widths).model;
    const b = pruneDetector(new Detector(shipped.model.config, 9), widths).model;
    const save = (m: Detector, name: string): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(toWeightsFile(m, shipped.inputTransform, false)));
      return path;
    };
    const measuredA = await measureFirmware(save(a, 'a.weights.json'), board, frames);
    expect(firmwareLayers(a, shipped.inputTransform)).toEqual(measuredA.layers.map(({ cycles: _, ...l }) => l));

    const table = new LatencyTable(join(dir, 'table.json'));
    table.record(board, measuredA);
    table.save();
    const reread = new LatencyTable(join(dir, 'table.json'));
    expect(reread.size).toBe(table.size);
    const predicted = reread.predict(board, firmwareLayers(b, shipped.inputTransform));
    if (!('cycles' in predicted)) throw new Error(`table misses ${predicted.missing.length} layers`);
    const measuredB = await measureFirmware(save(b, 'b.weights.json'), board, frames);
    expect(measuredB.latencyCycles).toBeGreaterThan(100_000);
    expect(Math.abs(predictionError(predicted.cycles, measuredB.latencyCycles))).toBeLessThan(0.01);
    // A candidate with a new width is not in the table: it must be measured.
    const c = pruneDetector(shipped.model, { ...widths, stage4: 16 }).model;
    const missing = reread.predict(board, firmwareLayers(c, shipped.inputTransform));
    expect('missing' in missing && missing.missing.map((l) => l.name)).toContain('stage4.conv');
  }, 600_000);
});
