/**
 * ITM (ARMv7-M ARM C1.7): 32 stimulus ports. A write reaches the trace sink only when DEMCR.TRCENA,
 * ITM_TCR.ITMENA and the port's ITM_TER bit are set, as on silicon, so firmware that guards its layer
 * markers on those bits behaves the same here, on a board with SWO, and in QEMU (which has no ITM).
 * Port 0 is the console (stdout); layer markers use another port (see DESIGN.md).
 */
import type { Peripheral } from '../peripheral.js';

export type ItmSink = (port: number, value: number, width: 1 | 2 | 4) => void;

export class Itm implements Peripheral {
  readonly name = 'itm';
  readonly base = 0xe0000000;
  readonly size = 0x1000;
  ter = 0;
  tpr = 0;
  tcr = 0;

  constructor(
    private readonly traceEnabled: () => boolean,
    private readonly sink: ItmSink,
    private readonly unmodelled: (address: number, write: boolean, value: number) => void,
  ) {}

  reset(): void {
    this.ter = this.tpr = this.tcr = 0;
  }

  private portEnabled(port: number): boolean {
    return this.traceEnabled() && (this.tcr & 1) === 1 && ((this.ter >>> port) & 1) === 1;
  }

  read(offset: number): number {
    if (offset < 0x80) return this.portEnabled(offset >>> 2) ? 1 : 0; // FIFOREADY when enabled
    switch (offset) {
      case 0xe00: return this.ter >>> 0;
      case 0xe40: return this.tpr;
      case 0xe80: return this.tcr;
      case 0xfb4: return 0; // LSR: not locked
    }
    if (offset >= 0xfd0) return 0;
    this.unmodelled(this.base + offset, false, 0);
    return 0;
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    if (offset < 0x80) {
      const port = offset >>> 2;
      if (this.portEnabled(port)) this.sink(port, value >>> 0, width);
      return;
    }
    switch (offset) {
      case 0xe00: this.ter = value >>> 0; return;
      case 0xe40: this.tpr = value & 0xf; return;
      case 0xe80: this.tcr = value & 0x00ff3f1f; return;
      case 0xfb0: return; // LAR: unlocking always succeeds
    }
    this.unmodelled(this.base + offset, true, value);
  }
}
