// `pnpm bench leak-attack`: an honest-but-curious server reconstructs a volunteer's tokens from the cut activations
// it receives (decoded from the real wire frames): nearest neighbour against every vocabulary token through the
// frozen client blocks, the same prefix-conditioned and greedy, and an inversion model trained on public text —
// per cut depth, before and after the volunteer trained its LoRA adapter, fp16 vs fp32 wire, and with noise.
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { validateCut, WTE } from '@splitlora/core';
import { activateNodeBackend, type NodeBackendName } from '../lib/backends.js';
import { benchTokenizer } from '../lib/data.js';
import { REPO_ROOT } from '../lib/python.js';
import { type BenchOptions, type BenchReport, defineBenchmark } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { epsilonPerRelease } from './activation-noise.js';
import { AttackerForward } from './attacker-forward.js';
import { ATTACK_LABELS, type CutKit, tokenAttacks } from './attacks.js';
import { constantGuessRate } from './constant-guess.js';
import { InversionModel } from './inversion-model.js';
import type { MeasuredRow } from './measured-row.js';
import { checkModelFits, loadAttackedModel, modelSlug } from './model-source.js';
import { NearestTable } from './nearest-neighbour.js';
import { rates, scoreGuesses } from './recovery.js';
import { commandLine, leakTables } from './report-tables.js';
import { LEAK_FLAGS, leakSettings } from './settings.js';
import { leakageFigures, writeLeakageFigures } from './summary-file.js';
import { publicWindows, volunteerExamples } from './texts.js';
import { type Observation, Volunteer } from './volunteer.js';
import type { WireDtype } from './wire.js';

export const leakAttackBenchmark = defineBenchmark('leak-attack', LEAK_FLAGS, runLeakAttack);

interface Variant {
  adapter: 'initial' | 'trained';
  lr: number | null;
  wire: WireDtype;
  noise: number;
}

async function runLeakAttack({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const s = leakSettings(flags, smoke);
  const activation = await activateNodeBackend(s.backend as NodeBackendName);
  if (!activation.ok) throw new Error(`--backend ${s.backend} is unavailable: ${activation.reason}`);
  const model = await loadAttackedModel(s.model, s.seed);
  const { config } = model;
  checkModelFits(model, s.maxSeqLen, (await benchTokenizer()).vocabSize);
  const cuts = (s.cuts ?? Array.from({ length: config.n_layer - 1 }, (_, i) => i + 1)).map((c) => validateCut(config, c, s.model));
  const examples = await volunteerExamples(s.samples, s.maxSeqLen, s.seed);
  const windows = await publicWindows(s.publicText, s.publicWindows, s.maxSeqLen);
  const constantGuess = constantGuessRate(windows, examples, s.maxSeqLen);
  log(`${model.name} (${model.source}), cuts ${cuts.join(',')}; ${examples.length} volunteer examples (E2E test), ${s.publicWindows} × ${s.maxSeqLen} tokens of ${s.publicText} for the attacker`);

  const attacker = new AttackerForward(config, model.params, Math.max(...cuts));
  const started = Date.now();
  const vocabTables = await attacker.vocabularyTable(cuts);
  log(`context-free table: ${config.vocab_size} tokens through ${Math.max(...cuts)} blocks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const useInversion = s.attacks.includes('inversion');
  const publicActivations = useInversion ? await attacker.windowActivations(windows, s.maxSeqLen, cuts, 'float16') : null;

  const variants: Variant[] = [
    { adapter: 'initial', lr: null, wire: 'float16', noise: 0 },
    { adapter: 'initial', lr: null, wire: 'float32', noise: 0 },
    ...s.noise.filter((n) => n > 0).map((noise): Variant => ({ adapter: 'initial', lr: null, wire: 'float16', noise })),
    ...(s.lora.steps > 0 ? s.lora.lrs.map((lr): Variant => ({ adapter: 'trained', lr, wire: 'float16', noise: 0 })) : []),
  ];
  const rows: MeasuredRow[] = [];
  const adapterNorms: { cut: number; lr: number; normB: number }[] = [];
  const clipNorms: { cut: number; clipNorm: number }[] = [];
  try {
    for (const cut of cuts) {
      const kit: CutKit = { cut, ctx: attacker.ctx, table: new NearestTable(vocabTables.get(cut)!), inversion: null };
      if (useInversion) {
        const t0 = Date.now();
        kit.inversion = InversionModel.fit(publicActivations!.get(cut)!, windows, attacker.ctx.params[WTE] as tf.Tensor2D, { ...s.inversion, seed: s.seed + cut }, (line) => log(`  cut ${cut}: ${line}`));
        log(`cut ${cut}: inversion model trained in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      const attacks = tokenAttacks(kit, s.attacks, s.greedy);
      /** One volunteer per learning rate (each trains its own adapter from B = 0); the initial variants use a fresh one. */
      const volunteers = new Map<number | null, Volunteer>();
      try {
        for (const variant of variants) {
          let volunteer = volunteers.get(variant.lr);
          if (volunteer === undefined) {
            volunteer = new Volunteer(model, { cut, batch: s.lora.batch, maxSeqLen: s.maxSeqLen, lr: variant.lr, wireDtype: 'float16', seed: s.seed }, examples);
            volunteers.set(variant.lr, volunteer);
            if (variant.lr !== null) {
              const t0 = Date.now();
              await volunteer.train(s.lora.steps);
              const normB = await volunteer.adapterNormB();
              adapterNorms.push({ cut, lr: variant.lr, normB: round(normB, 4) });
              log(`cut ${cut}: volunteer trained its adapter for ${s.lora.steps} split steps at lr ${variant.lr} in ${((Date.now() - t0) / 1000).toFixed(1)} s (‖B‖ = ${normB.toFixed(3)})`);
            }
          }
          const observation: Observation = await volunteer.observe(examples, variant.wire, variant.noise, s.seed);
          if (observation.clipNorm !== null && !clipNorms.some((c) => c.cut === cut)) clipNorms.push({ cut, clipNorm: round(observation.clipNorm, 4) });
          for (const attack of attacks) {
            const t0 = Date.now();
            const measured = rates(scoreGuesses(await attack.attack(observation.view), observation.truth));
            const seconds = (Date.now() - t0) / 1000;
            rows.push({ cut, ...variant, attack: attack.name, ...measured, seconds: round(seconds, 2) });
            log(`cut ${cut}, ${variant.lr === null ? 'initial adapter' : `trained at lr ${variant.lr}`}, ${variant.wire}${variant.noise > 0 ? `, σ ${variant.noise}` : ''}: ${attack.name} ${(measured.exact * 100).toFixed(1)} % exact of ${measured.positions} (${seconds.toFixed(1)} s)`);
          }
        }
      } finally {
        for (const v of volunteers.values()) v.dispose();
        kit.table.dispose();
        kit.inversion?.dispose();
      }
    }
  } finally {
    attacker.dispose();
    tf.dispose([...vocabTables.values()]);
  }

  const chance = 1 / config.vocab_size;
  const command = commandLine(s);
  const figures = leakageFigures(rows, {
    model: model.name, weights: model.weights, publicText: `${s.publicText}, ${s.publicWindows} windows of ${s.maxSeqLen} tokens`,
    volunteerText: `E2E NLG test set, ${examples.length} examples with distinct meaning representations`, loraSteps: s.lora.steps, chance, constantGuess, command,
  });
  const summaryPath = s.summary ?? join(REPO_ROOT, smoke ? 'artifacts/bench/leak-attack-smoke.json' : `docs/leakage/${modelSlug(model.name)}.json`);
  writeLeakageFigures(summaryPath, figures);
  log(`per-cut figures: ${summaryPath}`);
  return {
    name: 'leak-attack',
    tables: leakTables(rows, { model: model.name, weights: model.weights, chance, constantGuess, settings: s, adapterNorms, clipNorms, summary: relative(REPO_ROOT, summaryPath) }),
    json: {
      settings: s, command, model: { name: model.name, weights: model.weights, source: model.source, layers: config.n_layer, width: config.n_embd, vocabulary: config.vocab_size },
      attacks: Object.fromEntries(s.attacks.map((a) => [a, ATTACK_LABELS[a]])), chance, constantGuess: round(constantGuess, 5), adapterNorms, clipNorms,
      noiseEpsilonPerRelease: s.noise.map((sigma) => ({ sigma, epsilon: round(epsilonPerRelease(sigma), 3), delta: 1e-5 })),
      results: rows.map((r) => ({ ...r, exact: round(r.exact, 5), top5: round(r.top5, 5), searchedRecall: r.searchedRecall === null ? null : round(r.searchedRecall, 5) })),
      perCut: figures.cuts.map((c) => ({ cut: c.cut, best: c.best })), summary: relative(REPO_ROOT, summaryPath),
    },
  };
}
