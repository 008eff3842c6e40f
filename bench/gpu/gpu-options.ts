// Command-line options of the GPU benchmark, shared by `pnpm bench gpu` and the packed device entry (entry.ts).
import { parseBackendFlags } from '@splitlora/core';
import { NODE_BACKEND_CHOICES, type NodeBackendChoice } from '@splitlora/node';
import type { Flags } from '../lib/flags.js';
import type { FlagSpec } from '../lib/report.js';
import { FULL_CASES, parseCases, SMOKE_CASES } from './gpu-cases.js';
import type { GpuBenchOptions } from './run-gpu.js';

/** The small cases a software adapter (SwiftShader) runs by default: the machine-independent counts. */
const SMALL_CASES = 'server:tiny:1x16,client:tiny:1x16';

export const GPU_FLAGS: FlagSpec[] = [
  { name: 'backend', value: 'B', help: `tfjs backend: ${NODE_BACKEND_CHOICES.join(', ')} (default webgpu; by name it also takes a software adapter)` },
  { name: 'cases', value: 'LIST', help: `part:model:BxT,… (default on a hardware GPU: ${FULL_CASES}; on a software adapter: ${SMALL_CASES})` },
  { name: 'cut', value: 'K', help: 'cut layer (default 3)' },
  { name: 'flags', value: 'LIST', help: 'backend flags NAME=value,… (packages/core/src/backend/backend-flags.ts), e.g. DROPOUT_ON_DEVICE=false' },
  { name: 'warmup', value: 'N', help: 'warm-up steps per case, not timed (default 1)' },
  { name: 'steps', value: 'N', help: 'at most this many timed steps per case (default 5)' },
  { name: 'budget-s', value: 'S', help: 'stop timing a case after this many seconds of timed steps (default 20; at least one step)' },
  { name: 'max-step-s', value: 'S', help: 'skip a case whose step is estimated longer than this at the measured matMul speed (default 120)' },
  { name: 'torch', value: 'PATH', help: 'torch_split_step.py of the PyTorch CUDA peer, or none (default: next to the bundle, else ../shared/gpu/)' },
  { name: 'torch-timeout-s', value: 'S', help: 'time limit of the PyTorch peer (default 300)' },
  { name: 'matmul', value: 'LIST', help: 'n of n³ matMuls to time on a hardware GPU (default 1024,2048,4096)' },
];

export function gpuOptionsFrom(flags: Flags, smoke: boolean, defaultTorch: string | null): Omit<GpuBenchOptions, 'emit' | 'log'> {
  const backend = flags.string('backend', 'webgpu') as NodeBackendChoice;
  if (!NODE_BACKEND_CHOICES.includes(backend)) throw new Error(`--backend must be one of ${NODE_BACKEND_CHOICES.join(', ')}, found "${backend}"`);
  const cut = flags.number('cut', 3, { min: 1 });
  const torch = flags.string('torch', smoke || defaultTorch === null ? 'none' : defaultTorch);
  return {
    backend,
    cases: smoke ? parseCases(SMOKE_CASES, cut) : flags.has('cases') ? parseCases(flags.string('cases', ''), cut) : null,
    smallCases: parseCases(SMALL_CASES, cut),
    fullCases: parseCases(FULL_CASES, cut),
    flags: parseBackendFlags(flags.string('flags', '')),
    budget: smoke
      ? { warmup: 1, minSteps: 1, maxSteps: 1, budgetMs: 0 }
      : { warmup: flags.number('warmup', 1, { min: 0 }), minSteps: 1, maxSteps: flags.number('steps', 5, { min: 1 }), budgetMs: flags.number('budget-s', 20, { min: 0 }) * 1000 },
    maxStepS: flags.number('max-step-s', 120, { min: 0 }),
    torchScript: torch === 'none' ? null : torch,
    torchTimeoutMs: flags.number('torch-timeout-s', 300, { min: 1 }) * 1000,
    matmulSizes: smoke ? [] : flags.list('matmul', ['1024', '2048', '4096']).map(Number),
  };
}
