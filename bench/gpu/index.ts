// `pnpm bench gpu`: server and client split steps on a GPU backend (webgpu through Dawn by default) — ms/step,
// tokens/s, kernels and WebGPU dispatches per step, GPU kernel ms (GPU timestamps), host ms per step — and the
// PyTorch CUDA peer as a ratio when its script and a CUDA GPU are there. On a software adapter (SwiftShader) it runs
// the small cases: kernels and host ms per step are the machine-independent part.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/python.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { GPU_FLAGS, gpuOptionsFrom } from './gpu-options.js';
import { runGpuBenchmark } from './run-gpu.js';

const SHARED_TORCH = join(REPO_ROOT, '../shared/gpu/torch_split_step.py');

async function run({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const options = gpuOptionsFrom(flags, smoke, existsSync(SHARED_TORCH) ? SHARED_TORCH : null);
  const result = await runGpuBenchmark({ ...options, emit: (record) => log(JSON.stringify(record)), log });
  const rows: Cell[][] = result.cases.map((c) => [
    c.case, c.status === 'ok' ? c.msPerStep : c.status, c.tokensPerSecond, c.kernelsPerStep, c.dispatchesPerStep, c.gpuKernelMs,
    c.hostMsPerStep, c.hostShare === null ? null : `${Math.round(c.hostShare * 100)} %`, c.torchFp32Ms, c.oursOverTorchFp32, c.reason,
  ]);
  const device = result.device as { name?: string };
  return {
    name: 'gpu',
    tables: [{
      title: `Split steps on ${result.backend} (${device.name ?? 'unknown device'})`,
      columns: ['case', 'ms/step', 'tokens/s', 'kernels', 'dispatches', 'GPU kernel ms', 'host ms', 'host share', 'torch fp32 ms', 'ours/torch fp32', 'note'],
      rows,
      notes: [
        'kernels: tfjs kernels in one step (tf.profile); dispatches: WebGPU compute passes; GPU kernel ms: sum of the kernels\' GPU timestamps in a profiled step (each kernel in its own pass).',
        'host ms: wall time minus the time awaiting reads from the device (JavaScript recording kernels, codecs, copies); median over the timed steps.',
        'client steps end with a read of one adapter tensor so their time is whole (the volunteer\'s next forward waits the same way).',
        `backend flags: ${Object.entries(result.flags).map(([k, v]) => `${k}=${v}`).join(', ')}.`,
        `matMul: ${result.matmul.map((m) => `${m.n}³ ${m.gflops} GFLOP/s`).join(', ')}.`,
        result.torch.results.length > 0 ? `PyTorch peer: ${result.torch.results.length} results.` : `PyTorch peer: ${result.torch.problems.join('; ') || 'no results'}.`,
      ],
    }],
    json: { ...result },
  };
}

export const gpuBenchmark = defineBenchmark('gpu', GPU_FLAGS, run);
