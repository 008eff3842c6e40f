// Learning-rate schedules: linear warmup, then constant, linear decay or cosine decay to zero.
import { fail } from '../errors.js';

export interface LrSchedule {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  kind: 'constant' | 'linear' | 'cosine';
}

/** The learning rate at 0-based optimizer step `step` (transformers' get_*_schedule_with_warmup). */
export function learningRateAt(schedule: LrSchedule, step: number): number {
  const { lr, warmupSteps, totalSteps, kind } = schedule;
  if (!(lr >= 0) || warmupSteps < 0 || totalSteps < 1) {
    fail('config', `schedule needs lr >= 0, warmupSteps >= 0, totalSteps >= 1; found ${JSON.stringify(schedule)}`);
  }
  if (step < warmupSteps) return (lr * step) / Math.max(1, warmupSteps);
  if (kind === 'constant') return lr;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  if (kind === 'linear') return lr * Math.max(0, 1 - progress);
  return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
}
