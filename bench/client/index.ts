// `pnpm bench client`: tokens/s of the client split's step (forward to the cut, activations encoded for the wire,
// recomputed forward + backward from a gradient, clipping, AdamW) in Node per backend and in headless Chromium
// on webgpu, webgl and wasm (SwiftShader: numbers for the record, not for a real GPU).
import { gpt2Config, type Gpt2PresetName } from '@splitlora/core';
import type { PageBackend } from '../browser/page-backend.js';
import { activateNodeBackend, ALL_NODE_BACKENDS, NODE_BACKENDS, type NodeBackendName } from '../lib/backends.js';
import { clientStepFlops } from '../lib/flops.js';
import { matMulGflops } from '../lib/matmul-speed.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { BENCH_MODELS, type StepRow } from '../lib/step-row.js';
import type { TimeBoxOptions } from '../lib/timing.js';
import { type BrowserSession, PAGE_BACKENDS, startBrowserSession } from './browser-client.js';
import type { ClientStepCase } from './client-step.js';
import { measureNodeClientStep } from './node-client.js';

interface Row extends StepRow {
  where: 'node' | 'chromium';
  firstStepMs: number | null;
}

interface BackendInfo {
  where: 'node' | 'chromium';
  name: string;
  available: boolean;
  detail: string;
  matMulGflops: number | null;
}

export const clientBenchmark = defineBenchmark('client', [
  { name: 'node-backends', value: 'LIST', help: `Node backends (default ${NODE_BACKENDS.join(',')})` },
  { name: 'browser-backends', value: 'LIST', help: 'Chromium backends (default webgpu,webgl,wasm; smoke: wasm,webgpu); "none" skips the browser' },
  { name: 'models', value: 'LIST', help: 'presets in Node (default tiny,gpt2)' },
  { name: 'browser-models', value: 'LIST', help: 'presets in Chromium (default tiny,gpt2)' },
  { name: 'shapes', value: 'LIST', help: 'batch x length shapes in Node (default 1x128,8x64)' },
  { name: 'browser-shapes', value: 'LIST', help: 'batch x length shapes in Chromium (default 1x128,8x64)' },
  { name: 'cut', value: 'K', help: 'cut layer (default 3)' },
  { name: 'budget-s', value: 'S', help: 'timed seconds per combination after warm-up (default 6)' },
  { name: 'max-step-s', value: 'S', help: 'skip a combination whose estimated step exceeds this (default 15)' },
  { name: 'isolated', help: 'serve the page cross-origin isolated (COOP/COEP: wasm may use threads; the volunteer page is not)' },
], runClientBench);

function estimateSeconds(c: ClientStepCase, gflops: number): number {
  return clientStepFlops(gpt2Config(c.model), c.cut, c.batch, c.seq) / (gflops * 1e9);
}

async function runClientBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const cut = flags.number('cut', 3, { min: 1 });
  const maxStepS = flags.number('max-step-s', smoke ? 5 : 15, { min: 0 });
  const nodeBackends = flags.list('node-backends', smoke ? ['wasm', 'cpu'] : NODE_BACKENDS, ALL_NODE_BACKENDS) as NodeBackendName[];
  const browserBackends = flags.list('browser-backends', smoke ? ['wasm', 'webgpu'] : ['webgpu', 'webgl', 'wasm'], [...PAGE_BACKENDS, 'none'])
    .filter((b) => b !== 'none') as PageBackend[];
  const models = flags.list('models', smoke ? ['tiny'] : ['tiny', 'gpt2'], BENCH_MODELS) as Gpt2PresetName[];
  const browserModels = flags.list('browser-models', smoke ? ['tiny'] : ['tiny', 'gpt2'], BENCH_MODELS) as Gpt2PresetName[];
  const shapes = flags.shapes('shapes', smoke ? ['1x16'] : ['1x128', '8x64']);
  const browserShapes = flags.shapes('browser-shapes', smoke ? ['1x16'] : ['1x128', '8x64']);
  const box: TimeBoxOptions = smoke
    ? { warmup: 1, minSteps: 2, maxSteps: 2, budgetMs: 0 }
    : { warmup: 1, minSteps: 1, maxSteps: 30, budgetMs: flags.number('budget-s', 6, { min: 0 }) * 1000 };
  const nodeCases: ClientStepCase[] = models.flatMap((model) => shapes.map((s) => ({ model, cut, batch: s.batch, seq: s.seq })));
  const browserCases: ClientStepCase[] = browserModels.flatMap((model) => browserShapes.map((s) => ({ model, cut, batch: s.batch, seq: s.seq })));
  const rows: Row[] = [];
  const backends: BackendInfo[] = [];
  const done = (where: Row['where'], backend: string, c: ClientStepCase, t: { stepMs: number[]; warmupMs: number[]; tokensPerStep: number }): Row => {
    const ms = median(t.stepMs);
    log(`  ${where} ${backend} ${c.model} ${c.batch}x${c.seq}: ${(t.tokensPerStep / (ms / 1000)).toFixed(0)} tokens/s (${ms.toFixed(0)} ms/step; first ${t.warmupMs[0]?.toFixed(0)} ms)`);
    return { where, backend, model: c.model, batch: c.batch, seq: c.seq, status: 'ok', tokensPerSecond: round(t.tokensPerStep / (ms / 1000), 1), medianStepMs: round(ms, 1), firstStepMs: round(t.warmupMs[0] ?? Number.NaN, 0), steps: t.stepMs.length, reason: null };
  };
  const notRun = (where: Row['where'], backend: string, c: ClientStepCase | null, status: Row['status'], reason: string): Row => ({
    where, backend, model: c?.model ?? '*', batch: c?.batch ?? 0, seq: c?.seq ?? 0, status, tokensPerSecond: null, medianStepMs: null, firstStepMs: null, steps: 0, reason,
  });

  for (const backend of nodeBackends) {
    const activation = await activateNodeBackend(backend);
    if (!activation.ok) {
      log(`node ${backend}: unavailable (${activation.reason})`);
      backends.push({ where: 'node', name: backend, available: false, detail: activation.reason, matMulGflops: null });
      rows.push(notRun('node', backend, null, 'unavailable', activation.reason));
      continue;
    }
    const gflops = await matMulGflops(smoke ? 128 : 512);
    backends.push({ where: 'node', name: backend, available: true, detail: activation.detail, matMulGflops: round(gflops, 2) });
    for (const c of nodeCases) {
      const estimate = estimateSeconds(c, gflops);
      if (estimate > maxStepS) {
        rows.push(notRun('node', backend, c, 'skipped', `≈${estimate.toFixed(0)} s per step at the backend's matMul speed (limit ${maxStepS} s)`));
        continue;
      }
      try {
        rows.push(done('node', backend, c, await measureNodeClientStep(c, box)));
      } catch (error) {
        rows.push(notRun('node', backend, c, 'failed', (error as Error).message.slice(0, 200)));
      }
    }
  }

  let chromiumVersion: string | null = null;
  let isolated = false;
  if (browserBackends.length > 0) {
    isolated = flags.bool('isolated');
    let session: BrowserSession | null = null;
    try {
      session = await startBrowserSession({ isolated, log });
      chromiumVersion = session.chromiumVersion;
      for (const backend of browserBackends) {
        log(`chromium ${backend}: activating…`);
        const { page, activation } = await session.open(backend);
        if (page === null || !activation.ok) {
          const reason = activation.ok ? 'no page' : activation.reason;
          log(`chromium ${backend}: unavailable (${reason})`);
          backends.push({ where: 'chromium', name: backend, available: false, detail: reason, matMulGflops: null });
          rows.push(notRun('chromium', backend, null, 'unavailable', reason));
          continue;
        }
        try {
          const gflops = await page.matMulGflops(smoke ? 64 : 256);
          const detail = [activation.adapter, activation.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'].filter((s) => s).join('; ');
          log(`chromium ${backend}: active (${detail}); 256³ matMul ${gflops.toFixed(2)} GFLOP/s`);
          backends.push({ where: 'chromium', name: backend, available: true, detail, matMulGflops: round(gflops, 3) });
          for (const c of browserCases) {
            const estimate = estimateSeconds(c, gflops);
            if (estimate > maxStepS) {
              rows.push(notRun('chromium', backend, c, 'skipped', `≈${estimate.toFixed(0)} s per step at the page's matMul speed (limit ${maxStepS} s)`));
              continue;
            }
            try {
              rows.push(done('chromium', backend, c, await page.measure(c, box, smoke ? 120_000 : 300_000)));
            } catch (error) {
              rows.push(notRun('chromium', backend, c, 'failed', (error as Error).message.split('\n')[0]!.slice(0, 200)));
            }
          }
        } finally {
          await page.close();
        }
      }
    } catch (error) {
      const reason = `Chromium could not run the page: ${(error as Error).message.split('\n')[0]!.slice(0, 200)}`;
      log(reason);
      for (const backend of browserBackends) if (!rows.some((r) => r.where === 'chromium' && r.backend === backend)) rows.push(notRun('chromium', backend, null, 'unavailable', reason));
    } finally {
      await session?.close();
    }
  }

  const tableRows: Cell[][] = rows.map((r) => [
    r.where, r.backend, r.model, r.batch === 0 ? '*' : `${r.batch}×${r.seq}`, r.status === 'ok' ? r.tokensPerSecond : r.status, r.medianStepMs, r.firstStepMs, r.steps, r.reason,
  ]);
  const notes = [
    `cut ${cut}: embeddings + blocks 0..${cut - 1}, LoRA r=4 on q,v, dropout 0.1; a step = forward, read back + fp16-encode the activations, decode a gradient, recomputed forward + backward, clipping, AdamW.`,
    'first step = the warm-up step (kernel/shader compilation included); tokens/s from the median of the timed steps.',
    `backends: ${backends.map((b) => `${b.where} ${b.name} ${b.available ? `${b.matMulGflops} GFLOP/s matMul${b.detail ? ` (${b.detail})` : ''}` : `unavailable: ${b.detail}`}`).join('; ')}.`,
    ...(chromiumVersion !== null ? [`Chromium ${chromiumVersion} headless, ${isolated ? 'cross-origin isolated (COOP/COEP)' : 'not cross-origin isolated, as the volunteer page (wasm single-threaded)'}; WebGPU and WebGL run on SwiftShader (CPU), so these are for the record only.`] : []),
  ];
  return {
    name: 'client',
    tables: [{ title: 'Client split step: tokens/s', columns: ['where', 'backend', 'model', 'B×T', 'tokens/s', 'ms/step', 'first step ms', 'steps', 'note'], rows: tableRows, notes }],
    json: { cut, chromium: chromiumVersion, isolated, backends, results: rows },
  };
}
