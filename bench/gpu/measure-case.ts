// Measures one case of the GPU benchmark: warm-up (shader compilation), one profiled step (kernels, GPU kernel ms),
// then timed steps (median ms per step, host ms per step; the first also counts WebGPU dispatches).
import { gpt2Config } from '@splitlora/core';
import { clientStepFlops, serverStepFlops } from '../lib/flops.js';
import { median } from '../lib/stats.js';
import { caseName, type GpuCase } from './gpu-cases.js';
import { countDispatches, profileStep, timeHostAndWall } from './step-probes.js';
import { createStepper } from './steppers.js';

export interface CaseBudget {
  warmup: number;
  minSteps: number;
  maxSteps: number;
  /** Stop starting timed steps once this much time went into them. */
  budgetMs: number;
}

export interface CaseResult {
  kind: 'case';
  case: string;
  part: GpuCase['part'];
  model: string;
  batch: number;
  seq: number;
  cut: number;
  status: 'ok' | 'failed';
  reason: string | null;
  msPerStep: number | null;
  tokensPerSecond: number | null;
  steps: number;
  kernelsPerStep: number | null;
  dispatchesPerStep: number | null;
  gpuKernelMs: number | null;
  hostMsPerStep: number | null;
  /** Host ms / ms per step. */
  hostShare: number | null;
  warmupMs: number[];
  topKernels: { name: string; count: number; ms: number }[];
  frequentKernels: { name: string; count: number }[];
  loss: number | null;
}

export function estimatedFlops(c: GpuCase): number {
  const config = gpt2Config(c.model);
  return c.part === 'server' ? serverStepFlops(config, c.cut, c.batch, c.seq) : clientStepFlops(config, c.cut, c.batch, c.seq);
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function measureCase(c: GpuCase, budget: CaseBudget, log: (line: string) => void): Promise<CaseResult> {
  const base = { kind: 'case' as const, case: caseName(c), part: c.part, model: c.model, batch: c.batch, seq: c.seq, cut: c.cut };
  const empty = {
    msPerStep: null, tokensPerSecond: null, steps: 0, kernelsPerStep: null, dispatchesPerStep: null, gpuKernelMs: null,
    hostMsPerStep: null, hostShare: null, warmupMs: [] as number[], topKernels: [], frequentKernels: [], loss: null,
  };
  let stepper: ReturnType<typeof createStepper> | null = null;
  try {
    stepper = createStepper(c);
    const s = stepper;
    let index = 0;
    const warmupMs: number[] = [];
    for (let i = 0; i < budget.warmup; i++) warmupMs.push((await timeHostAndWall(() => s.step(index++))).wallMs);
    log(`${base.case}: warm-up ${warmupMs.map((ms) => ms.toFixed(0)).join(', ')} ms; profiling a step…`);
    const profile = await profileStep(() => s.step(index++));
    const times: { wallMs: number; hostMs: number }[] = [];
    let dispatches: number | null = null;
    let spent = 0;
    while (times.length < budget.maxSteps && (times.length < budget.minSteps || spent < budget.budgetMs)) {
      const timed = () => timeHostAndWall(() => s.step(index++));
      let t: { wallMs: number; hostMs: number };
      if (times.length === 0) ({ dispatches, value: t } = await countDispatches(timed)); // the first timed step also counts
      else t = await timed();
      times.push(t);
      spent += t.wallMs;
    }
    const ms = median(times.map((t) => t.wallMs));
    const hostMs = median(times.map((t) => t.hostMs));
    return {
      ...base, ...empty, status: 'ok', reason: null, msPerStep: round(ms), tokensPerSecond: Math.round(s.tokensPerStep / (ms / 1000)),
      steps: times.length, kernelsPerStep: profile.kernels, dispatchesPerStep: dispatches,
      gpuKernelMs: profile.gpuKernelMs === null ? null : round(profile.gpuKernelMs), hostMsPerStep: round(hostMs), hostShare: round(hostMs / ms, 3),
      warmupMs: warmupMs.map((w) => round(w)), topKernels: profile.top, frequentKernels: profile.mostFrequent, loss: s.lastLoss() === null ? null : round(s.lastLoss()!, 4),
    };
  } catch (error) {
    return { ...base, ...empty, status: 'failed', reason: (error as Error).message.split('\n')[0]!.slice(0, 300) };
  } finally {
    stepper?.dispose();
  }
}
