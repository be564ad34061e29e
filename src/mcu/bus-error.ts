/**
 * A failed bus access. Thrown by the bus or a device and caught by the CPU, which turns it into a
 * BusFault (precise, BFAR valid) per ARMv7-M ARM B3.2.15. Not derived from Error on purpose: it is a
 * control-flow signal, and capturing a JavaScript stack trace for it would only cost time.
 */
export class BusError {
  constructor(
    readonly address: number,
    readonly write: boolean,
    readonly reason: string,
  ) {}
}
