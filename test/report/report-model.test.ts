// The report model: plain data that survives JSON, validated when read back; an older version is
// upgraded, anything else refused in one line. Renderers: terminal table (no escape codes unless
// asked), Markdown, speedscope (validated against the schema the speedscope package ships).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../src/report/read-report.js';
import { renderTable, renderLayerTable } from '../../src/report/render-table.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSpeedscope } from '../../src/report/render-speedscope.js';
import { renderReport } from '../../src/report/write-report.js';
import { UserError } from '../../src/common/errors.js';
import type { Report } from '../../src/report/schema.js';
import { markerReport } from './fixture.js';

let report: Report;
beforeAll(async () => {
  report = (await markerReport()).report;
}, 120_000);

const ESC = '\u001b[';

describe('report model', () => {
  it('round-trips through JSON unchanged and holds no live objects', () => {
    const text = renderReport(report, 'json');
    expect(parseReport(text)).toEqual(report);
    expect(JSON.parse(text)).toEqual(report);
  });

  it('reads a version-1 run report (mcusim.run/1) as a report without profile', () => {
    const v1 = {
      schema: 'mcusim.run/1', elf: 'old.elf', board: 'stm32f411re', coreClockHz: 16e6, stop: 'exit', exitCode: 0,
      message: 'firmware exited with code 0', instructions: 10, cycles: 12, simulatedMs: 0.00075, cyclesPerInstruction: 1.2,
      wallMs: 1, simulatedMips: 0.01, exceptionsTaken: 0, stalls: { cpi: 0, exc: 0, sleep: 0, lsu: 0, fold: 0 },
      stallCycles: { flashWait: 0, branch: 2, loadStore: 0, mulDiv: 0, fpu: 0, exception: 0, other: 0 },
      fault: null, unmodelledAccesses: 0, warnings: [],
    };
    const r = parseReport(JSON.stringify(v1), 'old.json');
    expect(r.version).toBe(2);
    expect(r.run.cycles).toBe(12);
    expect(r.board.name).toBe('stm32f411re');
    expect(r.layers).toBeNull();
    expect(r.functions).toBeNull();
  });

  const refusals: [string, string, RegExp][] = [
    ['a newer version', JSON.stringify({ schema: 'mcusim.report', version: 3 }), /^r\.json: report version 3; this mcusim reads versions 1 and 2/],
    ['another schema', JSON.stringify({ schema: 'something', version: 2 }), /^r\.json: not an mcusim report \(schema "something"/],
    ['not JSON', '{"schema": ', /^r\.json: not JSON/],
    ['a damaged report', JSON.stringify({ schema: 'mcusim.report', version: 2, elf: 1 }), /^r\.json: malformed report: elf: /],
  ];
  for (const [what, text, message] of refusals) {
    it(`refuses ${what} with one clear line`, () => {
      let err: unknown;
      try {
        parseReport(text, 'r.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});

describe('renderers', () => {
  it('terminal table: the columns after ST\'s reports, the layers, the markers\' cost; no escape codes unless asked', () => {
    const plain = renderTable(report, { color: false });
    for (const col of ['layer', 'type', 'output', 'MACs', 'weights B', 'cycles', 'ms', '%', 'cum %', 'MAC/cycle', 'SRAM B']) expect(plain).toContain(col);
    for (const l of report.layers!.rows) expect(plain).toContain(l.name);
    expect(plain).toMatch(/inference cycles outside the layers \(the markers' own cost\)/);
    expect(plain).not.toContain(ESC);
    expect(renderLayerTable(report, { color: true })).toContain(ESC);
  });

  it('table figures: cycles, ms at the board clock and cumulative % of the last layer', () => {
    const t = renderLayerTable(report, { color: false })!;
    const r0 = report.layers!.rows[0]!;
    const hz = report.board.coreClockHz;
    expect(t).toContain(Math.round(r0.cycles).toLocaleString('en-US'));
    expect(t).toContain(((r0.cycles / hz) * 1000).toFixed(3));
    expect(t).toMatch(/head\.fc[^\n]*100\.0/);
  });

  it('Markdown: the layer table as a pipe table, memory and functions', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/^\| layer \| type \| output \| MACs \|/m);
    expect(md).toMatch(/^\| stem\.conv \| conv2d \| 16x16x8 \| 18,432 \|/m);
    expect(md).toContain('## Memory (bytes)');
    expect(md).toContain('## Functions');
  });

  it('speedscope file validates against the speedscope file-format schema; weights add up to the cycles', () => {
    const require = createRequire(import.meta.url);
    const schemaPath = join(dirname(require.resolve('speedscope/package.json')), 'dist', 'release', 'file-format-schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const file = JSON.parse(renderSpeedscope(report));
    const ok = validate(file);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const p = file.profiles[0];
    expect(p.type).toBe('sampled');
    expect(p.weights.reduce((s: number, w: number) => s + w, 0)).toBe(report.run.cycles);
    expect(p.samples.every((s: number[]) => s.every((k) => k >= 0 && k < file.shared.frames.length))).toBe(true);
    // The validator does reject a broken file (a sample pointing at a frame index as a string).
    expect(validate({ ...file, profiles: [{ ...p, samples: [['x']] }] })).toBe(false);
  });
});
