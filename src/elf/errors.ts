/**
 * Why an ELF file cannot run, one exit code per kind (the codes are in src/common/exit-codes.ts).
 * `mcusim run` exits with the code, so a script can tell "this is not firmware" from a fault or a
 * firmware exit code.
 *
 * What each kind covers:
 * - not-elf: no ELF magic, file cut short, tables or segment data past the end of the file, bad
 *   header sizes, not an executable (ET_REL, ET_DYN)
 * - wrong-class: ELFCLASS64 (a 64-bit file whose machine is ARM or unknown)
 * - wrong-endianness: ELFDATA2MSB (big-endian ARM)
 * - wrong-machine: e_machine is not EM_ARM (40): x86-64 (62), AArch64 (183), ... also for 64-bit
 *   files of a known non-ARM machine, so /bin/ls reports its machine
 * - bad-segments: no PT_LOAD, filesz > memsz, overlapping load addresses, a segment outside the
 *   board's memory
 * - bad-vector-table: no vector table at the boot address, reset vector in ARM state (bit 0 clear)
 *   or outside executable memory, initial SP outside RAM
 */
import { UserError } from '../common/errors.js';
import { EXIT } from '../common/exit-codes.js';

export type ElfErrorKind =
  | 'not-elf'
  | 'wrong-class'
  | 'wrong-endianness'
  | 'wrong-machine'
  | 'bad-segments'
  | 'bad-vector-table';

export const ELF_EXIT_CODES: Readonly<Record<ElfErrorKind, number>> = {
  'not-elf': EXIT.notElf,
  'wrong-class': EXIT.elf64,
  'wrong-endianness': EXIT.bigEndian,
  'wrong-machine': EXIT.notArm,
  'bad-segments': EXIT.badSegments,
  'bad-vector-table': EXIT.badVectorTable,
};

/** A one-line, user-facing reason why `fileName` is not runnable Cortex-M firmware. */
export class ElfError extends UserError {
  constructor(
    readonly kind: ElfErrorKind,
    readonly fileName: string,
    detail: string,
  ) {
    super(`${fileName}: ${detail}`, ELF_EXIT_CODES[kind]);
    this.name = 'ElfError';
  }
}
