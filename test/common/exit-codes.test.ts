// The exit-code table in src/common/exit-codes.ts is the only place a code is defined: the README's
// table and `mcusim run --help` must say exactly what it says, and the ELF error kinds must use it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODE_TABLE, exitCodesEpilogue, exitCodesMarkdown, exitCodesOf } from '../../src/common/exit-codes.js';
import { ELF_EXIT_CODES } from '../../src/elf/errors.js';
import { MCUSIM_BIN } from '../support/driver.js';

describe('exit codes: one table', () => {
  it('gives every outcome its own code', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT.usage).toBe(2);
  });

  it('the ELF error kinds use codes of the table (10-15)', () => {
    expect(Object.values(ELF_EXIT_CODES).sort()).toEqual([10, 11, 12, 13, 14, 15]);
    const codes = Object.values(EXIT_CODE_TABLE).map((e) => e.code);
    for (const c of Object.values(ELF_EXIT_CODES)) expect(codes).toContain(c);
  });

  it("README's table is the rendered table", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`${exitCodesMarkdown()}\n`);
  });

  it('`mcusim run --help` ends with the rendered epilogue', () => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, 'run', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    // yargs wraps the paragraph to the terminal width, even inside a number: compare without white space.
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    expect(squeeze(r.stdout)).toContain(squeeze(exitCodesEpilogue()));
  });

  it.each(['disasm', 'isa', 'boards', 'dataset', 'train', 'check', 'report', 'eval', 'build', 'search'])('`mcusim %s --help` lists every code of the table it can exit with', (command) => {
    const r = spawnSync(process.execPath, [MCUSIM_BIN, command, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    // squeezed before the search: yargs may wrap inside "Exit codes" itself
    const all = squeeze(r.stdout);
    const epilogue = all.slice(all.indexOf('Exitcodes:'));
    expect(epilogue).toMatch(/^Exitcodes:/);
    for (const e of exitCodesOf(command)) expect(epilogue).toContain(squeeze(`; ${e.code} ${e.brief}`));
  });
});
