/**
 * Learning-rate schedule: linear warm-up from lr*warmupStartFactor to lr over `warmupSteps`, then
 * half-cosine decay to lr*minFactor at `totalSteps` (SGDR without restarts, Loshchilov & Hutter 2017).
 */

export interface CosineSchedule {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  minFactor?: number;
  warmupStartFactor?: number;
}

export function learningRateAt(s: CosineSchedule, step: number): number {
  const minLr = s.lr * (s.minFactor ?? 0.01);
  if (step < s.warmupSteps) {
    const start = s.lr * (s.warmupStartFactor ?? 0.1);
    return start + ((s.lr - start) * step) / s.warmupSteps;
  }
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const t = Math.min(1, (step - s.warmupSteps) / span);
  return minLr + 0.5 * (s.lr - minLr) * (1 + Math.cos(Math.PI * t));
}
