/**
 * A range that reads as zero and ignores writes, reporting each access: QEMU's "unimplemented
 * device" behaviour for reserved board ranges and the parts of the private peripheral bus we do not
 * model (FPB, TPIU, ETM, ROM table).
 */
import type { Peripheral } from '../peripheral.js';

export class ReadAsZero implements Peripheral {
  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
    private readonly report: (address: number, write: boolean, value: number) => void,
  ) {}
  read(offset: number): number {
    this.report(this.base + offset, false, 0);
    return 0;
  }
  write(offset: number, _width: 1 | 2 | 4, value: number): void {
    this.report(this.base + offset, true, value);
  }
  reset(): void {}
}
