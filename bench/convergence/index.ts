// `pnpm bench convergence`: centralized LoRA, federated LoRA (FedAvg), sequential split learning, SplitLoRA SFL-V1 and
// SFL-V2 on the same model, data shards, seed and token budget; eval loss against trained tokens and training time,
// tokens and time to a common target loss, client-side trainable parameters, and an SVG plot.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Gpt2PresetName } from '@splitlora/core';
import { activateNodeBackend, type NodeBackendName } from '../lib/backends.js';
import { REPO_ROOT } from '../lib/python.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { lineChartsSvg } from '../lib/svg-plot.js';
import { type Curve, firstAtOrBelow } from './curve.js';
import { centralized } from './methods/centralized.js';
import { federated } from './methods/federated.js';
import { sequentialSplit } from './methods/sequential-split.js';
import { splitFed } from './methods/splitfed.js';
import { dpSplitFed } from './methods/dp-splitfed.js';
import { cycleBlock } from './methods/cycle-block.js';
import { createWorld, type Settings, type World } from './setup.js';

const METHODS: Record<string, (world: World) => Promise<Curve>> = {
  centralized, fedavg: federated, sl: sequentialSplit, 'sfl-v1': (w) => splitFed(w, 'v1'), 'sfl-v2': (w) => splitFed(w, 'v2'),
  cybgd: (w) => cycleBlock(w, 'cybgd'), 'cybgd-split': (w) => cycleBlock(w, 'cybgd-split'),
};

export const convergenceBenchmark = defineBenchmark('convergence', [
  { name: 'methods', value: 'LIST', help: `methods (default ${Object.keys(METHODS).join(',')}; with --dp-noise: sfl-v2, the DP curves' baseline)` },
  { name: 'model', value: 'M', help: 'preset (default tiny; base weights are random)' },
  { name: 'clients', value: 'N', help: 'clients, IID shards of the E2E dev set (default 3)' },
  { name: 'rounds', value: 'R', help: 'rounds = evaluation points (default 6)' },
  { name: 'local-steps', value: 'I', help: 'local steps between averages (default 5)' },
  { name: 'batch', value: 'B', help: 'batch size per client step (default 4)' },
  { name: 'seq', value: 'T', help: 'max sequence length (default 128)' },
  { name: 'lr', value: 'X', help: 'learning rate, constant (default 1e-2)' },
  { name: 'eval-samples', value: 'N', help: 'first N examples of the E2E test set (default 64)' },
  { name: 'seed', value: 'S', help: 'seed of weights, shards, batches and dropout (default 0)' },
  { name: 'backend', value: 'NAME', help: 'Node tfjs backend (default wasm)' },
  { name: 'svg', value: 'PATH', help: 'where the plot goes (default artifacts/bench/convergence.svg)' },
  { name: 'dp-noise', value: 'LIST', help: 'noise multipliers σ: one SFL-V2 + DP-FedAvg method each (default none)' },
  { name: 'dp-clip', value: 'C', help: 'DP clip norm of each client update (default 0.05)' },
], runConvergenceBench);

/** fp32 bytes of what a client holds: frozen weights, trainable parameters and their two AdamW moments. */
function clientParamBytes(curve: Curve): number | null {
  return curve.clientBase === null || curve.clientTrainable === null ? null : 4 * (curve.clientBase + 3 * curve.clientTrainable);
}

async function runConvergenceBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const settings: Settings = {
    model: flags.string('model', 'tiny') as Gpt2PresetName, cut: 3, clients: flags.number('clients', 3, { min: 1 }),
    rounds: flags.number('rounds', smoke ? 2 : 6, { min: 1 }), localSteps: flags.number('local-steps', smoke ? 1 : 5, { min: 1 }),
    batch: flags.number('batch', smoke ? 2 : 4, { min: 1 }), maxSeqLen: flags.number('seq', smoke ? 32 : 128, { min: 8 }),
    lr: flags.number('lr', 1e-2, { min: 0 }), evalSamples: flags.number('eval-samples', smoke ? 8 : 64, { min: 1 }), seed: flags.number('seed', 0, { min: 0 }),
  };
  const dpNoise = flags.string('dp-noise', '').split(',').filter((x) => x.trim() !== '').map((x) => {
    const sigma = Number(x);
    if (!(sigma >= 0)) throw new Error(`--dp-noise must list numbers >= 0, found "${x}"`);
    return sigma;
  });
  // DP's accuracy cost is read against plain SFL-V2 (the method the DP curves aggregate differently), so a DP
  // comparison runs that one baseline unless --methods names others.
  const methods = flags.list('methods', dpNoise.length > 0 ? ['sfl-v2'] : Object.keys(METHODS), Object.keys(METHODS));
  const dpClip = flags.number('dp-clip', 0.05, { min: 0 });
  const svgPath = flags.string('svg', join(REPO_ROOT, smoke ? 'artifacts/bench/convergence-smoke.svg' : 'artifacts/bench/convergence.svg'));
  const backend = flags.string('backend', 'wasm') as NodeBackendName;
  const activation = await activateNodeBackend(backend);
  if (!activation.ok) throw new Error(`--backend ${backend} is unavailable: ${activation.reason}`);
  const world = await createWorld(settings);
  log(`${settings.model} (random weights), ${settings.clients} IID shards of ${world.allTrain.length} E2E dev examples, ${settings.rounds} rounds × ${settings.localSteps} steps × batch ${settings.batch}, lr ${settings.lr}, eval on ${world.evalExamples.length} test examples`);
  const curves: Curve[] = [];
  try {
    for (const name of methods) {
      log(`${name}…`);
      const curve = await METHODS[name]!(world);
      const last = curve.points.at(-1)!;
      log(`  eval loss ${curve.points[0]!.evalLoss.toFixed(3)} → ${last.evalLoss.toFixed(3)} after ${last.tokens} tokens, ${last.seconds.toFixed(1)} s of training`);
      curves.push(curve);
    }
    for (const sigma of dpNoise) {
      log(`sfl-v2 with DP-FedAvg σ = ${sigma}, C = ${dpClip}…`);
      const curve = await dpSplitFed(world, sigma, dpClip);
      log(`  eval loss ${curve.points[0]!.evalLoss.toFixed(3)} → ${curve.points.at(-1)!.evalLoss.toFixed(3)}; ε = ${curve.notes}`);
      curves.push(curve);
    }
  } finally {
    world.dispose();
  }
  const target = Math.max(...curves.map((c) => Math.min(...c.points.filter((p) => p.round > 0).map((p) => p.evalLoss))));
  const svg = lineChartsSvg([
    { title: 'Eval loss vs trained tokens', xLabel: 'trained tokens', yLabel: 'eval loss (E2E test slice)', series: curves.map((c) => ({ name: c.method, points: c.points.map((p) => [p.tokens, p.evalLoss]) })) },
    { title: 'Eval loss vs training time (clients run one after another)', xLabel: 'seconds of compute, single process', yLabel: 'eval loss', series: curves.map((c) => ({ name: c.method, points: c.points.map((p) => [p.seconds, p.evalLoss]) })) },
  ], `${settings.model}, random base weights, ${settings.clients} IID clients, lr ${settings.lr}, seed ${settings.seed}`);
  mkdirSync(dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, svg);
  log(`plot: ${svgPath}`);

  const summary = curves.map((c) => {
    const hit = firstAtOrBelow(c, target);
    const last = c.points.at(-1)!;
    return {
      method: c.method, initialLoss: round(c.points[0]!.evalLoss, 4), finalLoss: round(last.evalLoss, 4), bestLoss: round(Math.min(...c.points.slice(1).map((p) => p.evalLoss)), 4),
      tokens: last.tokens, seconds: round(last.seconds, 2), tokensToTarget: hit?.tokens ?? null, secondsToTarget: hit === null ? null : round(hit.seconds, 2),
      clientTrainable: c.clientTrainable, clientBase: c.clientBase, serverTrainable: c.serverTrainable, notes: c.notes,
      clientParamBytes: clientParamBytes(c), traffic: c.traffic ?? null,
      curve: c.points.map((p) => ({ round: p.round, tokens: p.tokens, seconds: round(p.seconds, 3), evalLoss: round(p.evalLoss, 5) })),
    };
  });
  const loss = (v: number) => v.toFixed(3);
  const summaryRows: Cell[][] = summary.map((s) => [
    s.method, loss(s.initialLoss), loss(s.finalLoss), s.tokens, s.seconds, s.tokensToTarget, s.secondsToTarget, s.clientTrainable ?? 'n/a (one learner)', s.clientBase ?? 'n/a', s.serverTrainable ?? '—',
  ]);
  const kib = (bytes: number) => round(bytes / 1024, 1);
  const perClientRows: Cell[][] = summary.filter((s) => s.traffic !== null).map((s) => [
    s.method, s.clientTrainable, s.clientBase, s.clientParamBytes === null ? null : round(s.clientParamBytes / 2 ** 20, 2),
    kib(s.traffic!.upPerRound), kib(s.traffic!.downPerRound), kib(s.traffic!.updateUpPerRound), kib(s.traffic!.modelDownPerRound),
  ]);
  const rounds = Math.max(...curves.map((c) => c.points.length));
  const curveRows: Cell[][] = Array.from({ length: rounds }, (_, r) => [r, curves[0]?.points[r]?.tokens ?? null, ...curves.map((c) => (c.points[r] === undefined ? null : loss(c.points[r]!.evalLoss)))]);
  return {
    name: 'convergence',
    tables: [
      {
        title: `Convergence on ${settings.model} (random base weights), ${settings.clients} IID clients`,
        columns: ['method', 'eval loss at 0', 'final eval loss', 'trained tokens', 'training s', `tokens to ${target.toFixed(3)}`, `s to ${target.toFixed(3)}`, 'client trainable params', 'client base params', 'server trainable params'],
        rows: summaryRows,
        notes: [
          `target = ${target.toFixed(4)}, the highest of the methods' best eval losses (a loss every method reached).`,
          `tfjs backend ${backend}; lr ${settings.lr} constant (AdamW, weight decay 0.01, clipping 1.0 per party), LoRA r=4 on q,v, dropout 0.1; batch ${settings.batch} per client step, ${settings.rounds} rounds × ${settings.localSteps} local steps × ${settings.clients} clients; centralized takes as many batches from the union of the shards.`,
          'The base weights are random (no pretrained checkpoint can be downloaded here), hence the high learning rate: the curves show relative progress, not E2E quality.',
          'Training seconds are measured in this single process, where clients run one after another: they are total compute, not the parallel wall-clock of a deployment (the parallel speed-up is what `pnpm bench scale` measures). Evaluation time is excluded.',
          'Split methods use the volunteer\'s LocalTrainer (fp16 activations and gradients, as on the wire) and the server\'s ServerSplit.',
          `plot: ${relative(REPO_ROOT, svgPath)}`,
        ],
      },
      ...(perClientRows.length === 0 ? [] : [{
        title: 'Per client: what it trains and holds, and its traffic per round',
        columns: ['method', 'client trainable params', 'client frozen params', 'client param MiB', 'up KiB/round', 'down KiB/round', 'of which update up KiB', 'of which adapter/blocks down KiB'],
        rows: perClientRows,
        notes: [
          'client param MiB: fp32 bytes of the weights the client holds plus its trainable parameters and their two AdamW moments ((frozen + 3 × trainable) × 4), computed from the counts; activations and the wasm backend\'s transposed copies are not included.',
          'KiB per client and round, counted from the frames a real run sends (binary payload, no socket.io framing), mean over clients and rounds: the round\'s adapter or block download and its update, plus per-step activations and labels up and gradients down (split methods).',
        ],
      }]),
      { title: 'Eval loss after each round', columns: ['round', 'tokens (first method)', ...curves.map((c) => c.method)], rows: curveRows },
    ],
    json: { settings, backend, target: round(target, 5), svg: relative(REPO_ROOT, svgPath), methods: summary },
  };
}
