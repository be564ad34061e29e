/**
 * src/sim/heap-policy.ts: with the policy, a process that allocates steadily keeps its young
 * generation at the starting size (peak RSS of `mcusim run`); without it V8 grows it many times over.
 * Each case runs in a fresh process: the policy is process-wide.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'young-generation.ts');
const youngGeneration = (mode: 'default' | 'small') =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, mode], { encoding: 'utf8' })) as { before: number; after: number };

describe('keepYoungGenerationSmall', () => {
  it('stops V8 growing the young generation (which it otherwise does for the same allocations)', () => {
    const grown = youngGeneration('default');
    expect(grown.after).toBeGreaterThanOrEqual(8 * grown.before);
    const kept = youngGeneration('small');
    expect(kept.after).toBeLessThanOrEqual(2 * kept.before);
  });
});
