// The benchmarks `pnpm bench` knows, by name; each module is loaded only when its benchmark runs.
import type { Benchmark } from './lib/report.js';

export interface BenchmarkEntry {
  summary: string;
  load: () => Promise<Benchmark>;
}

export const BENCHMARKS: Record<string, BenchmarkEntry> = {
  server: { summary: 'server split step tokens/s per Node backend, model, shape; vs PyTorch', load: async () => (await import('./server/index.js')).serverBenchmark },
  client: { summary: 'client split step tokens/s in Node per backend and in headless Chromium (webgpu, webgl, wasm)', load: async () => (await import('./client/index.js')).clientBenchmark },
  wire: { summary: 'bytes on the wire per trained token of a real run vs the SplitLoRA reference encoding', load: async () => (await import('./wire/index.js')).wireBenchmark },
  scale: { summary: '1…100 Node-fleet clients on one server (or over --workers N split-worker processes): tokens/s, server busy %, step latency, memory', load: async () => (await import('./scale/index.js')).scaleBenchmark },
  convergence: { summary: 'eval loss vs tokens and wall-clock: centralized, FedAvg, sequential SL, SFL-V1, SFL-V2', load: async () => (await import('./convergence/index.js')).convergenceBenchmark },
  conv1d: { summary: 'kernel experiment: frozen Conv1D backward, autograd (transposeB) vs cached transpose', load: async () => (await import('./kernels/conv1d-backward/index.js')).conv1dBenchmark },
  secagg: { summary: 'secure aggregation: bytes and seconds added per round at 3, 10, 50 volunteers (in memory, paper adapter)', load: async () => (await import('./secagg/index.js')).secaggBenchmark },
  decode: { summary: 'beam search on E2E MRs: key/value cache vs full recompute (s per MR, tokens/s, same tokens)', load: async () => (await import('./decode/index.js')).decodeBenchmark },
  gpu: { summary: 'split steps on a GPU backend (webgpu/Dawn): ms, tokens/s, kernels, GPU and host ms per step; vs PyTorch CUDA', load: async () => (await import('./gpu/index.js')).gpuBenchmark },
  fused: { summary: 'kernels and GPU dispatches per server/client step, fused WebGPU kernels off vs on (Dawn in Node)', load: async () => (await import('./fused/index.js')).fusedBenchmark },
  leak: { summary: 'tf.memory().numTensors over 1,000 server and client steps (must stay flat)', load: async () => (await import('./leak/index.js')).leakBenchmark },
  'leak-attack': { summary: 'tokens an honest-but-curious server recovers from the cut activations, per cut, attack, LoRA, wire, noise', load: async () => (await import('./leak-attack/index.js')).leakAttackBenchmark },
};

export function benchmarkNames(): string[] {
  return Object.keys(BENCHMARKS);
}
