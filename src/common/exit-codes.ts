/**
 * mcusim's own exit codes: the one table. `mcusim run` passes the firmware's exit code (semihosting
 * SYS_EXIT / EXIT_EXTENDED) through unchanged, as `qemu-system-arm -semihosting` does; every outcome
 * of the simulator itself has a code below. The README's exit-code table and the `mcusim run --help`
 * epilogue are rendered from this table (test/common/exit-codes.test.ts keeps the README in step).
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
}

export const EXIT_CODE_TABLE = {
  usage: { code: 2, brief: 'usage', meaning: 'usage error or unreadable file' },
  notElf: { code: 10, brief: 'not ELF/truncated', meaning: 'not an ELF, truncated, not an executable' },
  elf64: { code: 11, brief: '64-bit', meaning: '64-bit ELF' },
  bigEndian: { code: 12, brief: 'big-endian', meaning: 'big-endian ELF' },
  notArm: { code: 13, brief: 'not ARM', meaning: 'not an ARM ELF (x86-64, AArch64, ...)' },
  badSegments: { code: 14, brief: 'bad segments', meaning: "bad segments (overlap, outside the board's memory, no PT_LOAD)" },
  badVectorTable: {
    code: 15, brief: 'bad vector table', meaning: 'bad vector table (missing, reset vector in ARM state, SP outside RAM)',
  },
  lockup: {
    code: 20, brief: 'lockup',
    meaning: 'the core locked up (fault with no handler able to take it); PC, function, registers and CFSR/HFSR decoded are printed',
  },
  limit: { code: 21, brief: 'cycle/instruction limit', meaning: '`--max-cycles` / `--max-instructions` reached' },
  timeout: { code: 22, brief: 'timeout', meaning: '`--timeout` reached' },
  stopped: {
    code: 23, brief: 'stopped without exiting',
    meaning: 'the firmware stopped without exiting (WFI with no interrupt source, BKPT with no debugger)',
  },
  internal: { code: 70, brief: 'internal error', meaning: 'internal simulator error (a bug: please report it with the ELF)' },
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

function entries(): ExitCodeInfo[] {
  return Object.values(EXIT_CODE_TABLE).sort((a, b) => a.code - b.code);
}

/** The README's Markdown table, header included. */
export function exitCodesMarkdown(): string {
  const rows = [FIRMWARE_ROW, ...entries()].map((e) => `| ${e.code} | ${e.meaning} |`);
  return ['| code | meaning |', '|---|---|', ...rows].join('\n');
}

/** One paragraph for `mcusim run --help`. */
export function exitCodesEpilogue(): string {
  return `Exit codes: the firmware's own exit code; ${entries().map((e) => `${e.code} ${e.brief}`).join('; ')}.`;
}
