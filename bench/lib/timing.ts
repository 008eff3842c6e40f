// Time-boxed step timing: warm-up steps (not counted), then timed steps until a step count or a time budget
// is reached, so slow combinations stay bounded and fast ones get enough samples. Platform-free (the browser
// page uses it too).

export interface TimeBoxOptions {
  warmup: number;
  minSteps: number;
  maxSteps: number;
  /** Stop starting new timed steps once this much time went into timed steps. */
  budgetMs: number;
}

export interface TimedSteps {
  /** Milliseconds of each timed step. */
  stepMs: number[];
  warmupMs: number[];
}

export async function timeSteps(options: TimeBoxOptions, step: (index: number) => Promise<void>): Promise<TimedSteps> {
  const warmupMs: number[] = [];
  const stepMs: number[] = [];
  let index = 0;
  for (let i = 0; i < options.warmup; i++, index++) {
    const t0 = performance.now();
    await step(index);
    warmupMs.push(performance.now() - t0);
  }
  let spent = 0;
  while (stepMs.length < options.maxSteps && (stepMs.length < options.minSteps || spent < options.budgetMs)) {
    const t0 = performance.now();
    await step(index++);
    const ms = performance.now() - t0;
    stepMs.push(ms);
    spent += ms;
  }
  return { stepMs, warmupMs };
}

export function nowMs(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
