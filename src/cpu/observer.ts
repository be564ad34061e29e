/**
 * The execution-observer hook: what a profiler attached to the core sees. Contract shared with the
 * profiler (src/profile), also described in the repository's observer notes; one observer at a time.
 *
 * - `retired(startPc, lastPc, instructions)`: a straight-line run of retired instructions (a taken
 *   branch only as the last one). Today both the interpreter and translated blocks report every
 *   instruction on its own (startPc = lastPc, instructions = 1), so the stream of calls is the same
 *   whether or not blocks run; an observer should still accept longer runs. When it is called,
 *   cpu.cycles, cpu.instructions, cpu.stalls and the registers are as after `lastPc` (its cycles
 *   counted); cpu.pc is not meaningful (blocks do not keep it up to date), use the arguments.
 *   Instructions whose condition failed are retired too (they cost cycles); a faulting instruction
 *   is not (its exception entry is reported instead).
 * - `exceptionEntry(exceptionNumber, returnAddress)`: after the frame is stacked and the entry's
 *   cycles (TRM §3.9.1) are counted. An entry caused by an instruction (SVC, a tail-chained return)
 *   is reported while that instruction runs, so before that instruction's `retired`. Entries without
 *   stacking (a failed exception return that takes UsageFault/BusFault) report the EXC_RETURN value
 *   as the return address.
 * - `exceptionReturn(excReturn)`: after unstacking and the return's cycles; reported while the
 *   returning instruction (BX LR, POP {pc}, LDR pc) runs, so before its `retired`.
 *
 * Cost: with no observer the run loop pays one null test per instruction and translated blocks
 * contain no observer code at all; Cpu.setObserver() drops the translated blocks so they are
 * rebuilt in the matching variant (block code calls the observer only when it was translated with
 * one attached).
 */
export interface ExecutionObserver {
  retired(startPc: number, lastPc: number, instructions: number): void;
  exceptionEntry(exceptionNumber: number, returnAddress: number): void;
  exceptionReturn(excReturn: number): void;
}
