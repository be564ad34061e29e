// SCR.SLEEPONEXIT (ARMv7-M ARM B1.5.8): firmware/tests/exc_sleeponexit.c must see the third SysTick
// count when Thread mode next runs (the first two returns go to sleep). Held to that hand-derived
// value, not to QEMU: in our runs QEMU 7.2 resumed Thread mode after the second interrupt.
import { describe, it } from 'vitest';
import { mcusimDriver } from '../support/driver.js';
import { buildTestProgram, variantName, type BuildVariant } from '../support/toolchain.js';

const VARIANTS: BuildVariant[] = [{ opt: 'O0', float: 'soft' }, { opt: 'O2', float: 'hard' }];

describe('SLEEPONEXIT', () => {
  it.for(VARIANTS.map((v) => ({ v, label: variantName(v) })))('$label: Thread mode runs after the third interrupt', { timeout: 60_000 }, async ({ v }, { expect }) => {
    const elf = await buildTestProgram('exc_sleeponexit', v);
    const run = await mcusimDriver.run(elf, { timeoutMs: 40_000 });
    expect(run.stdout.toString()).toBe('thread resumed with count 3\nexc_sleeponexit: ok\n');
    expect(run.exitCode).toBe(0);
  });
});
