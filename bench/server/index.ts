// `pnpm bench server`: tokens/s of the server split's training step (forward + backward with LoRA, clipping,
// AdamW) per Node tfjs backend, model and batch shape, beside the same step in PyTorch on the same CPU threads.
import { gpt2Config, type Gpt2PresetName } from '@splitlora/core';
import { activateNodeBackend, ALL_NODE_BACKENDS, NODE_BACKENDS, type NodeBackendName } from '../lib/backends.js';
import { matMulGflops } from '../lib/matmul-speed.js';
import { serverStepFlops } from '../lib/flops.js';
import { findTorchPython } from '../lib/python.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { BENCH_MODELS, type StepRow } from '../lib/step-row.js';
import type { TimeBoxOptions } from '../lib/timing.js';
import { measureServerStep, type ServerStepCase } from './server-step.js';
import { measureTorchServerStep } from './torch-step.js';

type Row = StepRow;

export const serverBenchmark = defineBenchmark('server', [
  { name: 'backends', value: 'LIST', help: `Node backends to try (default ${NODE_BACKENDS.join(',')})` },
  { name: 'models', value: 'LIST', help: 'presets (default tiny,gpt2)' },
  { name: 'shapes', value: 'LIST', help: 'batch x length shapes (default 1x128,8x64,8x128)' },
  { name: 'cut', value: 'K', help: 'cut layer (default 3)' },
  { name: 'budget-s', value: 'S', help: 'timed seconds per combination after warm-up (default 10)' },
  { name: 'max-step-s', value: 'S', help: 'skip a combination whose estimated step exceeds this (default 30)' },
  { name: 'no-torch', help: 'skip the PyTorch comparison' },
], runServerBench);

/** The wasm module aborts when a step's tensors outgrow its heap (at most 4 GB); every later wasm op fails too. */
function describeFailure(message: string): string {
  if (/Aborted\(\)|memory access out of bounds/.test(message)) return `wasm aborted (${message.split('.')[0]}): the step outgrew the wasm heap (4 GB max); later wasm steps in this process fail too`;
  return message.slice(0, 200);
}

async function runServerBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const backends = flags.list('backends', NODE_BACKENDS, ALL_NODE_BACKENDS) as NodeBackendName[];
  const models = flags.list('models', smoke ? ['tiny'] : ['tiny', 'gpt2'], BENCH_MODELS) as Gpt2PresetName[];
  const shapes = flags.shapes('shapes', smoke ? ['1x16'] : ['1x128', '8x64', '8x128']);
  const cut = flags.number('cut', 3, { min: 1 });
  const maxStepS = flags.number('max-step-s', smoke ? 5 : 30, { min: 0 });
  const box: TimeBoxOptions = smoke
    ? { warmup: 1, minSteps: 1, maxSteps: 1, budgetMs: 0 }
    : { warmup: 1, minSteps: 1, maxSteps: 20, budgetMs: flags.number('budget-s', 10, { min: 0 }) * 1000 };
  const cases: ServerStepCase[] = models.flatMap((model) => shapes.map((s) => ({ model, cut, batch: s.batch, seq: s.seq })));

  const rows: Row[] = [];
  const backendInfo: { name: string; available: boolean; detail: string; matMulGflops: number | null }[] = [];
  for (const backend of backends) {
    const activation = await activateNodeBackend(backend);
    if (!activation.ok) {
      log(`${backend}: unavailable (${activation.reason})`);
      backendInfo.push({ name: backend, available: false, detail: activation.reason, matMulGflops: null });
      rows.push({ backend, model: '*', batch: 0, seq: 0, status: 'unavailable', tokensPerSecond: null, medianStepMs: null, steps: 0, reason: activation.reason });
      continue;
    }
    const gflops = await matMulGflops(smoke ? 128 : 512);
    log(`${backend}: ${activation.detail}; 512³ matMul ${gflops.toFixed(1)} GFLOP/s`);
    backendInfo.push({ name: backend, available: true, detail: activation.detail, matMulGflops: round(gflops, 2) });
    for (const c of cases) {
      const base = { backend, model: c.model, batch: c.batch, seq: c.seq };
      const estimateS = serverStepFlops(gpt2Config(c.model), c.cut, c.batch, c.seq) / (gflops * 1e9);
      if (estimateS > maxStepS) {
        const reason = `≈${estimateS.toFixed(0)} s per step at the backend's matMul speed (limit ${maxStepS} s)`;
        log(`${backend} ${c.model} ${c.batch}x${c.seq}: skipped, ${reason}`);
        rows.push({ ...base, status: 'skipped', tokensPerSecond: null, medianStepMs: null, steps: 0, reason });
        continue;
      }
      log(`${backend} ${c.model} ${c.batch}x${c.seq}: measuring (≈${estimateS.toFixed(1)} s per step estimated)…`);
      try {
        const t = await measureServerStep(c, box);
        const ms = median(t.stepMs);
        rows.push({ ...base, status: 'ok', tokensPerSecond: round(t.tokensPerStep / (ms / 1000), 1), medianStepMs: round(ms, 1), steps: t.stepMs.length, reason: null });
        log(`  ${(t.tokensPerStep / (ms / 1000)).toFixed(0)} tokens/s (${ms.toFixed(0)} ms/step, ${t.stepMs.length} steps, loss ${t.finalLoss.toFixed(3)})`);
      } catch (error) {
        rows.push({ ...base, status: 'failed', tokensPerSecond: null, medianStepMs: null, steps: 0, reason: describeFailure((error as Error).message) });
      }
    }
  }

  const torchRows: Row[] = [];
  const torchPython = flags.bool('no-torch') ? { ok: false as const, reason: 'skipped (--no-torch)' } : findTorchPython();
  let torchVersion: string | null = null;
  let torchThreads: number | null = null;
  if (torchPython.ok) {
    for (const c of cases) {
      const base = { backend: 'torch', model: c.model, batch: c.batch, seq: c.seq };
      log(`torch ${c.model} ${c.batch}x${c.seq}: measuring with ${torchPython.python}…`);
      try {
        const t = await measureTorchServerStep(c, box, log);
        torchVersion = t.torch;
        torchThreads = t.threads;
        torchRows.push({ ...base, status: 'ok', tokensPerSecond: round(t.tokensPerSecond, 1), medianStepMs: round(median(t.stepMs), 1), steps: t.stepMs.length, reason: null });
      } catch (error) {
        torchRows.push({ ...base, status: 'failed', tokensPerSecond: null, medianStepMs: null, steps: 0, reason: (error as Error).message.slice(0, 200) });
      }
    }
  } else {
    log(`torch: ${torchPython.reason}`);
  }

  const torchOf = (r: Row) => torchRows.find((t) => t.model === r.model && t.batch === r.batch && t.seq === r.seq && t.status === 'ok');
  const ratios = rows.filter((r) => r.status === 'ok' && torchOf(r) !== undefined)
    .map((r) => ({ backend: r.backend, model: r.model, batch: r.batch, seq: r.seq, oursOverTorch: round(r.tokensPerSecond! / torchOf(r)!.tokensPerSecond!, 3) }));
  const ratioOf = (r: Row) => ratios.find((x) => x.backend === r.backend && x.model === r.model && x.batch === r.batch && x.seq === r.seq)?.oursOverTorch ?? null;
  const tableRows: Cell[][] = [...rows, ...torchRows].map((r) => [
    r.backend, r.model, r.batch === 0 ? '*' : `${r.batch}×${r.seq}`, r.status === 'ok' ? r.tokensPerSecond : r.status,
    r.medianStepMs, r.steps, r.backend === 'torch' ? null : r.status === 'ok' ? torchOf(r)?.tokensPerSecond ?? null : null, r.backend === 'torch' ? null : ratioOf(r), r.reason,
  ]);
  const notes = [
    `cut ${cut}: blocks ${cut}..L-1 + ln_f + tied head; LoRA r=4 on q,v (paper placement), dropout 0.1, grad clipping 1.0, AdamW; all positions counted.`,
    'timing: one warm-up step, then steps until the time budget is spent; median ms/step; tokens/s = batch×length / median step.',
    `Node backends: ${backendInfo.map((b) => `${b.name} ${b.available ? `${b.matMulGflops} GFLOP/s (512³ matMul)` : `unavailable: ${b.detail}`}`).join('; ')}.`,
    torchPython.ok
      ? `torch ${torchVersion ?? '?'} via ${torchPython.python}, ${torchThreads ?? '?'} threads: transformers GPT-2 + PEFT LoRA on c_attn (rank 8 = q,v without the k mask), SDPA attention.`
      : `torch: ${torchPython.reason}.`,
  ];
  return {
    name: 'server',
    tables: [{ title: 'Server split step (forward + backward + AdamW): tokens/s', columns: ['backend', 'model', 'B×T', 'tokens/s', 'ms/step', 'steps', 'torch tokens/s', 'ours/torch', 'note'], rows: tableRows, notes }],
    json: {
      cut, backends: backendInfo, results: rows,
      torch: { available: torchPython.ok, python: torchPython.ok ? torchPython.python : null, version: torchVersion, threads: torchThreads, reason: torchPython.ok ? null : torchPython.reason, results: torchRows },
      ratios,
    },
  };
}
