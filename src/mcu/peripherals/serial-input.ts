/**
 * Bytes waiting to be received by a UART (fed by the runner from stdin or by a test). A ring of
 * plain numbers: receive is rare next to instructions, so simplicity wins over a typed ring.
 */
export class SerialInput {
  private readonly queue: number[] = [];
  private head = 0;

  push(bytes: Iterable<number>): void {
    for (const b of bytes) this.queue.push(b & 0xff);
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Next byte, or -1 when nothing is waiting. */
  shift(): number {
    if (this.head >= this.queue.length) return -1;
    const b = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return b;
  }

  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }
}
