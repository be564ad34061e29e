/**
 * mcusim's own exit codes: the one table, for every command (each entry names the commands that can
 * return it). `mcusim run` passes the firmware's exit code (semihosting SYS_EXIT / EXIT_EXTENDED)
 * through unchanged, as `qemu-system-arm -semihosting` does; every outcome of the simulator itself has
 * a code below. The README's exit-code table and the commands' `--help` epilogues are rendered from
 * this table (test/common/exit-codes.test.ts keeps the README in step).
 *
 * A firmware that exits with one of these numbers is indistinguishable by code alone; the stderr
 * summary says which it was. The ELF codes sit above 2 (usage) and below the firmware range most
 * test programs use.
 */

export interface ExitCodeInfo {
  readonly code: number;
  /** A few words for the one-line `--help` epilogue. */
  readonly brief: string;
  /** The README's wording. */
  readonly meaning: string;
  /** The commands that can exit with it; '*' for every command. */
  readonly commands: readonly string[];
}

const ALL = ['*'] as const;
const READS_ELF = ['run', 'disasm'] as const; // check reports a bad ELF as an input error (2)
const RUN = ['run'] as const;

export const EXIT_CODE_TABLE = {
  overBudget: {
    code: 1, commands: ['check', 'search'], brief: 'over budget or regressed',
    meaning: 'over a budget, or regressed against the baseline (`check`); the budget cannot be reached (`search`)',
  },
  usage: { code: 2, commands: ALL, brief: 'usage or input error', meaning: 'usage error or unreadable file' },
  notElf: { code: 10, commands: READS_ELF, brief: 'not ELF/truncated', meaning: 'not an ELF, truncated, not an executable' },
  elf64: { code: 11, commands: READS_ELF, brief: '64-bit', meaning: '64-bit ELF' },
  bigEndian: { code: 12, commands: READS_ELF, brief: 'big-endian', meaning: 'big-endian ELF' },
  notArm: { code: 13, commands: READS_ELF, brief: 'not ARM', meaning: 'not an ARM ELF (x86-64, AArch64, ...)' },
  badSegments: {
    code: 14, commands: READS_ELF, brief: 'bad segments', meaning: "bad segments (overlap, outside the board's memory, no PT_LOAD)",
  },
  badVectorTable: {
    code: 15, commands: READS_ELF, brief: 'bad vector table',
    meaning: 'bad vector table (missing, reset vector in ARM state, SP outside RAM)',
  },
  lockup: {
    code: 20, commands: RUN, brief: 'lockup',
    meaning: 'the core locked up (fault with no handler able to take it); PC, function, registers and CFSR/HFSR decoded are printed',
  },
  limit: { code: 21, commands: RUN, brief: 'cycle/instruction limit', meaning: '`--max-cycles` / `--max-instructions` reached' },
  timeout: { code: 22, commands: RUN, brief: 'timeout', meaning: '`--timeout` reached' },
  stopped: {
    code: 23, commands: RUN, brief: 'stopped without exiting',
    meaning: 'the firmware stopped without exiting (WFI with no interrupt source, BKPT with no debugger)',
  },
  toolchainMissing: {
    code: 30, commands: ['build', 'search'], brief: 'toolchain missing',
    meaning: 'the ARM toolchain (arm-none-eabi-gcc, newlib) is not installed',
  },
  compileFailed: { code: 31, commands: ['build', 'search'], brief: 'compile failed', meaning: 'the generated C sources did not compile or link' },
  queueUnreachable: {
    code: 40, commands: ['search', 'worker'], brief: 'Redis unreachable',
    meaning: 'the Redis server of `--queue redis://HOST:PORT` cannot be reached (or is not Redis)',
  },
  internal: { code: 70, commands: ALL, brief: 'internal error', meaning: 'internal simulator error (a bug: please report it with the ELF)' },
} as const satisfies Record<string, ExitCodeInfo>;

export type ExitName = keyof typeof EXIT_CODE_TABLE;

/** The codes by name: `EXIT.usage`, `EXIT.lockup`, ... */
export const EXIT = Object.fromEntries(
  Object.entries(EXIT_CODE_TABLE).map(([name, info]) => [name, info.code]),
) as { readonly [K in ExitName]: (typeof EXIT_CODE_TABLE)[K]['code'] };

const FIRMWARE_ROW = {
  code: "firmware's",
  meaning: 'the firmware exited through semihosting `SYS_EXIT`/`SYS_EXIT_EXTENDED` (as `qemu-system-arm -semihosting` gives it)',
};

/** The codes `command` can exit with, in order. */
export function exitCodesOf(command: string): ExitCodeInfo[] {
  return Object.values(EXIT_CODE_TABLE)
    .filter((e: ExitCodeInfo) => e.commands.includes('*') || e.commands.includes(command))
    .sort((a, b) => a.code - b.code);
}

/** The README's Markdown table of `mcusim run`'s codes, header included. */
export function exitCodesMarkdown(): string {
  const rows = [FIRMWARE_ROW, ...exitCodesOf('run')].map((e) => `| ${e.code} | ${e.meaning} |`);
  return ['| code | meaning |', '|---|---|', ...rows].join('\n');
}

/**
 * One paragraph for a command's `--help`: `success` says what 0 means (for `run`: the firmware's own
 * exit code), then the table's codes for that command.
 */
export function exitCodesEpilogue(command = 'run', success = "the firmware's own exit code"): string {
  return `Exit codes: ${success}; ${exitCodesOf(command).map((e) => `${e.code} ${e.brief}`).join('; ')}.`;
}
