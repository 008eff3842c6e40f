// What the step-speed benchmarks (server, client) share: the presets they accept and one measured row.
export const BENCH_MODELS = ['tiny', 'distilgpt2', 'gpt2', 'gpt2-medium'];

export type StepStatus = 'ok' | 'skipped' | 'unavailable' | 'failed';

/** One backend × model × shape measurement of a split step. */
export interface StepRow {
  backend: string;
  model: string;
  batch: number;
  seq: number;
  status: StepStatus;
  tokensPerSecond: number | null;
  medianStepMs: number | null;
  steps: number;
  reason: string | null;
}
