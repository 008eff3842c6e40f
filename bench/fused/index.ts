// `pnpm bench fused`: what the fused WebGPU kernels (the FUSED_* backend flags) change per training step — engine
// kernels (tf.profile's count) and GPU dispatches of the real server and client steps, all flags off vs all on —
// on tfjs-backend-webgpu through Dawn in Node. On SwiftShader (no GPU) the counts hold for any device; times do not.
import { backendFlagValues, FUSED_KERNELS, gpt2Config, type Gpt2PresetName, setBackendFlags } from '@splitlora/core';
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend } from '../lib/backends.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { BENCH_MODELS } from '../lib/step-row.js';
import { timeSteps } from '../lib/timing.js';
import { type ChunkCost, headChunkCost, headChunks } from './head-chunks.js';
import { countKernels } from './kernel-count.js';
import { benchRunConfig } from '../server/server-step.js';
import type { GpuCase, StepPart } from '../gpu/gpu-cases.js';
import { createStepper } from '../gpu/steppers.js';

const FUSED_FLAGS = Object.keys(FUSED_KERNELS) as (keyof typeof FUSED_KERNELS)[];
const FUSED_NAMES = new Set(Object.values(FUSED_KERNELS).flat());

function setFused(on: boolean): void {
  setBackendFlags(Object.fromEntries(FUSED_FLAGS.map((name) => [name, on])));
}

interface Row {
  model: string;
  side: StepPart;
  batch: number;
  seq: number;
  fused: boolean;
  engineKernels: number;
  dispatches: number | null;
  /** Calls of fused kernels (their forward kernels) among the engine kernels. */
  fusedKernelCalls: number;
  medianStepMs: number;
  /** Engine kernels by name, the most frequent first. */
  topKernels: [string, number][];
}

export const fusedBenchmark = defineBenchmark('fused', [
  { name: 'models', value: 'LIST', help: 'presets (default tiny,gpt2)' },
  { name: 'sides', value: 'LIST', help: 'steps to count: server, client (default both; smoke: client)' },
  { name: 'shape', value: 'BxT', help: 'batch x length of every step (default 2x32)' },
  { name: 'cut', value: 'K', help: 'cut layer (default 3)' },
  { name: 'steps', value: 'N', help: 'timed steps per combination after the counted one (default 3)' },
  { name: 'target-shape', value: 'BxT', help: 'shape the server counts are carried to by the head chunk count (default 8x512)' },
], runFusedBench);

async function measure(c: GpuCase, fused: boolean, steps: number, log: (line: string) => void): Promise<Row> {
  setFused(fused);
  const stepper = createStepper(c);
  try {
    let index = 0;
    await stepper.step(index++); // warm-up: compiles the shaders, creates the optimizer's moments
    const count = await countKernels(() => stepper.step(index++));
    const { stepMs } = await timeSteps({ warmup: 0, minSteps: steps, maxSteps: steps, budgetMs: 0 }, () => stepper.step(index++));
    log(`${c.model} ${c.part} ${c.batch}x${c.seq} fused ${fused ? 'on' : 'off'}: ${count.engineKernels} kernels, ${count.dispatches} dispatches, ${round(median(stepMs), 0)} ms/step`);
    const fusedKernelCalls = count.byKernel.filter(([name]) => FUSED_NAMES.has(name)).reduce((sum, [, n]) => sum + n, 0);
    return { model: c.model, side: c.part, batch: c.batch, seq: c.seq, fused, engineKernels: count.engineKernels, dispatches: count.dispatches, fusedKernelCalls, medianStepMs: round(median(stepMs), 1), topKernels: count.byKernel.slice(0, 12) };
  } finally {
    stepper.dispose();
  }
}

async function runFusedBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const models = flags.list('models', smoke ? ['tiny'] : ['tiny', 'gpt2'], BENCH_MODELS) as Gpt2PresetName[];
  const sides = flags.list('sides', smoke ? ['client'] : ['server', 'client'], ['server', 'client']) as StepPart[];
  const [shape] = flags.shapes('shape', [smoke ? '1x8' : '2x32']);
  const [target] = flags.shapes('target-shape', ['8x512']);
  const cut = flags.number('cut', 3, { min: 1 });
  const steps = flags.number('steps', smoke ? 1 : 3, { min: 1 });
  const activation = await activateNodeBackend('webgpu');
  if (!activation.ok) throw new Error(`the webgpu backend (Dawn) is unavailable: ${activation.reason}`);
  log(`webgpu on ${activation.device}`);
  const before = backendFlagValues();
  const { labelSmoothing } = benchRunConfig({ model: models[0]!, cut, batch: shape!.batch, seq: shape!.seq }); // as the server step runs
  const rows: Row[] = [];
  const chunk: Record<'off' | 'on', ChunkCost> = { off: { engineKernels: 0, dispatches: 0 }, on: { engineKernels: 0, dispatches: 0 } };
  try {
    for (const fused of [false, true]) {
      setFused(fused);
      chunk[fused ? 'on' : 'off'] = await headChunkCost(labelSmoothing);
      for (const model of models) {
        for (const side of sides) rows.push(await measure({ part: side, model, cut, batch: shape!.batch, seq: shape!.seq }, fused, steps, log));
      }
    }
  } finally {
    setBackendFlags(Object.fromEntries(FUSED_FLAGS.map((name) => [name, before[name]])));
  }
  const pair = (model: string, side: StepPart) => [rows.find((r) => r.model === model && r.side === side && !r.fused)!, rows.find((r) => r.model === model && r.side === side && r.fused)!];
  const ratio = (a: number | null, b: number | null): Cell => (a === null || b === null || b === 0 ? null : round(a / b, 2));
  const measuredRows: Cell[][] = models.flatMap((model) => sides.map((side) => {
    const [off, on] = pair(model, side);
    return [model, side, `${shape!.batch}x${shape!.seq}`, off!.engineKernels, on!.engineKernels, off!.dispatches, on!.dispatches, ratio(off!.dispatches, on!.dispatches), off!.medianStepMs, on!.medianStepMs];
  }));
  const carried = !sides.includes('server') ? [] : models.map((model) => {
    const extra = headChunks(target!.batch * target!.seq, gpt2Config(model).vocab_size) - headChunks(shape!.batch * shape!.seq, gpt2Config(model).vocab_size);
    const [off, on] = pair(model, 'server');
    const add = (n: number | null, per: number | null) => (n === null || per === null ? null : n + extra * per);
    return {
      model, extraChunks: extra,
      off: { engineKernels: add(off!.engineKernels, chunk.off.engineKernels), dispatches: add(off!.dispatches, chunk.off.dispatches) },
      on: { engineKernels: add(on!.engineKernels, chunk.on.engineKernels), dispatches: add(on!.dispatches, chunk.on.dispatches) },
    };
  });
  return {
    name: 'fused',
    tables: [
      {
        title: `Kernels per step, fused WebGPU kernels off vs on (${activation.device}, cut ${cut})`,
        columns: ['model', 'step', 'B×T', 'kernels off', 'kernels on', 'dispatches off', 'dispatches on', 'dispatches off/on', 'ms/step off', 'ms/step on'],
        rows: measuredRows,
        notes: [
          'kernels: tf.profile\'s count of engine kernels (Reshape, Identity and casts included; a fused kernel counts once); dispatches: compute passes recorded on the GPU (a fused kernel\'s inner matMuls included).',
          'One counted step after a warm-up step; ms/step is the median of the timed steps after it — on a software adapter it says nothing about a GPU.',
        ],
      },
      {
        title: `Server step carried to ${target!.batch}x${target!.seq}: plus the head's extra row chunks`,
        columns: ['model', 'extra head chunks', 'kernels off', 'kernels on', 'dispatches off', 'dispatches on'],
        rows: carried.map((c) => [c.model, c.extraChunks, c.off.engineKernels, c.on.engineKernels, c.off.dispatches, c.on.dispatches]),
        notes: [`One head chunk costs ${chunk.off.engineKernels} kernels / ${chunk.off.dispatches} dispatches unfused and ${chunk.on.engineKernels} / ${chunk.on.dispatches} fused (counted on a small head, label smoothing ${labelSmoothing} as in the step); nothing else in a step depends on the batch shape.`],
      },
    ],
    json: { device: activation.device, backend: tf.getBackend(), cut, shape, targetShape: target, labelSmoothing, rows, headChunk: chunk, carried },
  };
}
