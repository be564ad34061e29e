// `mcusim check` and `mcusim report` as CI meets them: the baseline passes, a wider layer fails with a
// readable table (latency and flash regress), every exit code (0 within budget, 1 over budget or
// regressed, 2 usage or input error), Markdown appended to $GITHUB_STEP_SUMMARY, re-rendering and --diff.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MCUSIM_BIN } from '../support/driver.js';
import { markerReport } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mcusim-check-'));
let elf: string;
let wideElf: string;
const baseline = join(dir, 'baseline.json');

function mcusim(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MCUSIM_BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  ({ elf, wideElf } = await markerReport());
  const r = mcusim(['run', elf, '--quiet', '--report', baseline]);
  expect(r.code).toBe(0);
}, 180_000);

describe('mcusim check', () => {
  it('passes on its own baseline and within budget: exit 0, every check listed', () => {
    const r = mcusim(['check', baseline, '--baseline', baseline, '--max-flash', '256K', '--max-sram', '128K', '--max-latency-ms', '1000', '--max-layer-ms', 'stem.conv=500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/within budget \(\d+ checks\)/);
    for (const check of ['flash', 'SRAM peak', 'latency', 'layer stem.conv', 'layer head.fc vs baseline', 'flash vs baseline']) expect(r.stdout).toContain(check);
    expect(r.stdout).not.toContain('FAIL');
  });

  it('fails when a layer gets wider: latency, that layer and flash regress, with deltas (exit 1)', () => {
    const r = mcusim(['check', wideElf, '--baseline', baseline]);
    expect(r.code).toBe(1);
    const row = (name: string) => r.stdout.split('\n').find((l) => l.includes(`${name} `)) ?? '';
    expect(row('layer stage1.pw vs baseline')).toMatch(/\+\d[\d,]* \(\+\d+\.\d%\).*FAIL/);
    expect(row('latency vs baseline')).toContain('FAIL');
    expect(row('flash vs baseline')).toMatch(/\+[\d,]+ B.*FAIL/);
    expect(row('layer stem.conv vs baseline')).toContain('pass');
    expect(r.stdout).toMatch(/\d+ of \d+ checks failed/);
  }, 120_000);

  it('fails over an absolute budget (exit 1)', () => {
    const r = mcusim(['check', baseline, '--max-flash', '1K']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/flash .*FAIL/);
  });

  it('budget file and tolerances: a 200% cycle tolerance lets the wide build through on cycles only', () => {
    const budget = join(dir, 'budget.json');
    writeFileSync(budget, JSON.stringify({ toleranceCyclesPct: 200, toleranceFlash: '64K', maxSram: '128K' }));
    const r = mcusim(['check', wideElf, '--baseline', baseline, '--budget', budget]);
    expect(r.code).toBe(0);
  }, 120_000);

  it('appends the Markdown table to $GITHUB_STEP_SUMMARY', () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = mcusim(['check', baseline, '--max-flash', '1K'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toMatch(/### mcusim check: .*baseline\.json: 1 of 1 checks failed/);
    expect(md).toMatch(/^\| check \| limit \| actual \| delta \| result \|$/m);
    expect(md).toMatch(/^\| flash \| <= 1,024 B \| [\d,]+ B \| \+[\d,]+ B \| \*\*FAIL\*\* \|$/m);
  });

  const usage: [string, string[], RegExp][] = [
    ['no budget at all', [], /nothing to check/],
    ['a bad size', ['--max-flash', '12Q'], /--max-flash: expected a size such as 4096, 256K or 1M, got "12Q"/],
    ['a bad layer budget', ['--max-layer-ms', 'stem.conv'], /--max-layer-ms: expected NAME=MS/],
    ['a missing baseline', ['--baseline', '/nonexistent/b.json'], /\/nonexistent\/b\.json: cannot read \(ENOENT\)/],
  ];
  for (const [what, args, message] of usage) {
    it(`usage error (exit 2, one line): ${what}`, () => {
      const r = mcusim(['check', baseline, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it('input errors (exit 2, one line): an unknown report version, a file that is neither report nor ELF', () => {
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ schema: 'mcusim.report', version: 9 }));
    const a = mcusim(['check', future, '--max-flash', '1M']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^mcusim: .*future\.json: report version 9; this mcusim reads versions 1 and 2/);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello');
    const b = mcusim(['check', junk, '--max-flash', '1M']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a budget file with an unknown field or a bad size: exit 2, one line naming the file and field', () => {
    const bad = join(dir, 'bad-budget.json');
    writeFileSync(bad, JSON.stringify({ maxFlashBytes: 1 }));
    const a = mcusim(['check', baseline, '--budget', bad]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/bad-budget\.json: unknown budget field "maxFlashBytes"/);
    writeFileSync(bad, JSON.stringify({ maxSram: 'lots' }));
    const b = mcusim(['check', baseline, '--budget', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/bad-budget\.json: maxSram: expected a size such as 4096, 256K or 1M, got "lots"/);
  });

  it('--help documents the exit codes', () => {
    const r = mcusim(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes: 0 within budget; 1 over budget or regressed; 2 usage or input error/);
  });
});

describe('mcusim report', () => {
  it('re-renders a saved report in each format; -o picks the format from the extension', () => {
    const table = mcusim(['report', baseline]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('stem.conv');
    expect(table.stdout).not.toContain('\u001b[');
    for (const [format, pattern] of [['md', /^\| layer \| type/m], ['json', /"schema": "mcusim.report"/], ['speedscope', /"\$schema":"https:\/\/www\.speedscope\.app\/file-format-schema\.json"/]] as const) {
      const r = mcusim(['report', baseline, '--format', format]);
      expect(r.code, format).toBe(0);
      expect(r.stdout).toMatch(pattern);
    }
    const html = join(dir, 'out.html');
    expect(mcusim(['report', baseline, '-o', html]).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('--diff shows per-layer and per-function deltas', () => {
    const wide = join(dir, 'wide.json');
    expect(mcusim(['run', wideElf, '--quiet', '--report', wide]).code).toBe(0);
    const r = mcusim(['report', '--diff', baseline, wide]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/layer\s+│ stage1\.pw\s+│ [\d,]+\s+│ [\d,]+\s+│ \+[\d,]+\s+│ \+\d+\.\d%/);
    expect(r.stdout).toMatch(/function \(self\)\s+│ stage1_pw/);
    expect(r.stdout).toMatch(/memory\s+│ flash bytes/);
  }, 120_000);

  it('mcusim run --report picks the format by extension and refuses an unknown one before running', () => {
    for (const ext of ['.md', '.html', '.speedscope.json']) {
      const out = join(dir, `r${ext}`);
      expect(mcusim(['run', elf, '--quiet', '--report', out]).code).toBe(0);
      expect(existsSync(out)).toBe(true);
    }
    const bad = mcusim(['run', elf, '--quiet', '--report', join(dir, 'r.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/r\.txt: unknown report format \(use \.json, \.md, \.html or \.speedscope\.json\)/);
  }, 120_000);

  it('mcusim run --no-profile: a plain run, markers stay off (no debugger enabled the ITM), same stdout', () => {
    const plain = mcusim(['run', elf, '--no-profile']);
    const profiled = mcusim(['run', elf]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain('stem.conv');
    expect(plain.stdout).toBe(profiled.stdout);
  }, 120_000);

  it('mcusim run prints the per-layer table (stderr) for an ELF with a layer table; stdout stays the firmware\'s', () => {
    const r = mcusim(['run', elf]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/│ stem\.conv\s+│ conv2d\s+│ 16x16x8/);
    expect(r.stdout).not.toContain('stem.conv');
    expect(r.stdout).toMatch(/^frame 0: [0-9a-f]{8}$/m);
  }, 120_000);
});
