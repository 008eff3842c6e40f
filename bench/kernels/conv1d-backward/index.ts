// `pnpm bench conv1d`: a kernel experiment, versions side by side — the backward of GPT-2's frozen Conv1D (the
// gradient w.r.t. its input, which LoRA training needs in every block) with tfjs autograd (v1, transposeB matMul)
// against a custom gradient with a cached transposed weight (v2). Checks both give the same dx.
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend, type NodeBackendName } from '../../lib/backends.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../../lib/report.js';
import { median, round } from '../../lib/stats.js';
import { timeSteps } from '../../lib/timing.js';
import { conv1dAutograd } from './v1-autograd.js';
import { conv1dCachedTranspose } from './v2-cached-transpose.js';

/** GPT-2 (small) Conv1D shapes: c_attn, c_fc, mlp c_proj. */
const MODULES = [{ name: 'c_attn', fanIn: 768, fanOut: 2304 }, { name: 'c_fc', fanIn: 768, fanOut: 3072 }, { name: 'mlp.c_proj', fanIn: 3072, fanOut: 768 }];

export const conv1dBenchmark = defineBenchmark('conv1d', [
  { name: 'backends', value: 'LIST', help: 'Node backends (default wasm,cpu)' },
  { name: 'rows', value: 'LIST', help: 'tokens per step N (default 128,512)' },
], runConv1dBench);

async function timeMs(repeats: number, f: () => tf.Tensor): Promise<number> {
  const { stepMs } = await timeSteps({ warmup: 1, minSteps: repeats, maxSteps: repeats, budgetMs: 0 }, async () => {
    const out = f();
    await out.data();
    out.dispose();
  });
  return median(stepMs);
}

async function runConv1dBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const backends = flags.list('backends', smoke ? ['wasm'] : ['wasm', 'cpu'], ['wasm', 'cpu', 'tensorflow']) as NodeBackendName[];
  const rowsList = flags.numbers('rows', smoke ? [16] : [128, 512]);
  const modules = smoke ? [{ name: 'c_attn (small)', fanIn: 64, fanOut: 192 }] : MODULES;
  const results: Record<string, unknown>[] = [];
  for (const backend of backends) {
    const activation = await activateNodeBackend(backend);
    if (!activation.ok) {
      results.push({ backend, status: 'unavailable', reason: activation.reason });
      continue;
    }
    for (const rows of rowsList) {
      for (const m of modules) {
        if (backend === 'cpu' && rows * m.fanIn * m.fanOut > 128 * 768 * 3072) {
          results.push({ backend, rows, module: m.name, fanIn: m.fanIn, fanOut: m.fanOut, status: 'skipped', reason: 'pure-JS cpu: over a minute per measurement' });
          continue;
        }
        const repeats = backend === 'cpu' ? 2 : 5;
        const [W, WT, b, x, dy] = tf.tidy(() => {
          const w = tf.randomNormal([m.fanIn, m.fanOut], 0, 0.02) as tf.Tensor2D;
          return [w, tf.transpose(w), tf.zeros([m.fanOut]) as tf.Tensor1D, tf.randomNormal([rows, m.fanIn]) as tf.Tensor2D, tf.randomNormal([rows, m.fanOut]) as tf.Tensor2D];
        });
        const gradOf = (f: (x: tf.Tensor2D) => tf.Tensor2D) => () => tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor2D), dy)))(x));
        const v1 = gradOf((input) => conv1dAutograd(input, W, b));
        const v2 = gradOf((input) => conv1dCachedTranspose(input, W, WT, b));
        const forwardMs = await timeMs(repeats, () => conv1dAutograd(x, W, b));
        const v1Ms = await timeMs(repeats, v1);
        const v2Ms = await timeMs(repeats, v2);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(v1(), v2()))));
        const maxAbsDiff = (await diff.data())[0]!;
        diff.dispose();
        tf.dispose([W, WT, b, x, dy]);
        log(`${backend} N=${rows} ${m.name} ${m.fanIn}→${m.fanOut}: forward ${forwardMs.toFixed(1)} ms, v1 ${v1Ms.toFixed(1)} ms, v2 ${v2Ms.toFixed(1)} ms (max |Δdx| ${maxAbsDiff.toExponential(1)})`);
        results.push({
          backend, rows, module: m.name, fanIn: m.fanIn, fanOut: m.fanOut, status: 'ok', forwardMs: round(forwardMs, 2), v1Ms: round(v1Ms, 2), v2Ms: round(v2Ms, 2),
          speedup: round(v1Ms / v2Ms, 2), maxAbsDiff,
        });
      }
    }
  }
  const rows: Cell[][] = results.map((r) => [
    r['backend'] as string, (r['rows'] as number | undefined) ?? '*', r['module'] === undefined ? '*' : `${r['module']} ${r['fanIn'] ?? ''}→${r['fanOut'] ?? ''}`,
    (r['forwardMs'] as number | undefined) ?? (r['status'] as string), (r['v1Ms'] as number | undefined) ?? null, (r['v2Ms'] as number | undefined) ?? null,
    (r['speedup'] as number | undefined) ?? null, r['maxAbsDiff'] === undefined ? (r['reason'] as string) : (r['maxAbsDiff'] as number).toExponential(1),
  ]);
  return {
    name: 'conv1d',
    tables: [{
      title: 'Frozen Conv1D: forward, and forward + dx backward, v1 autograd vs v2 cached transpose (ms)',
      columns: ['backend', 'N', 'module', 'forward', 'v1 fwd+bwd', 'v2 fwd+bwd', 'v1/v2', 'max |Δdx| / note'], rows,
      notes: ['v1 = tf.matMul(x, W) + b under tf.grad (dx = matMul(dy, W, false, true)); v2 = tf.customGrad with dx = matMul(dy, Wᵀ), Wᵀ made once per weight.', 'median of 5 runs (2 on cpu) after one warm-up.'],
    }],
    json: { results },
  };
}
