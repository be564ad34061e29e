/**
 * `mcusim train --schedule`: named epoch x frame budgets, as data. Frames are fresh every epoch by
 * default (src/nn/train/frames.ts), so a schedule is a count of distinct frames seen, mixed over
 * both MLX90640 lenses. Times are measured on this project's 2-core machine (README "Thermal data
 * and the trainer"); `default` is what a bare `mcusim train` runs.
 */
export interface TrainSchedule {
  epochs: number;
  trainFrames: number;
  note: string;
}

export const TRAIN_SCHEDULES: Readonly<Record<'default' | 'quick' | 'full', TrainSchedule>> = {
  default: { epochs: 20, trainFrames: 4096, note: 'the plain command' },
  quick: { epochs: 12, trainFrames: 4096, note: 'trying things, CI: under 20 min' },
  full: { epochs: 40, trainFrames: 8192, note: 'the shipped-model budget: under 2 h' },
};

export const DEFAULT_TRAIN_SENSORS: readonly string[] = ['mlx90640', 'mlx90640-wide'];
