import { describe, expect, it } from 'vitest';
import { stepThumb } from '../support/step.js';

describe('step harness on the core loop', () => {
  it('MOVS sets N and Z from the result and costs 1 cycle each (isa/TIMING.md §3: MOV = 1)', () => {
    const cpu = stepThumb('movs r0, #0\nmovs r1, #200');
    expect(cpu.r[0]).toBe(0);
    expect(cpu.r[1]).toBe(200);
    expect(cpu.z).toBe(0);
    expect(cpu.n).toBe(0);
    expect(cpu.cycles).toBe(2);
  });
});
