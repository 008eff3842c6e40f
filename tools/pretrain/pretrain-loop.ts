// The pretraining loop: full-parameter AdamW on random windows of the training text under a warm-up + cosine
// schedule (with the unseen tokens' rows tied, unless turned off), periodic held-out evaluation, resumable state
// every few steps, progress lines on the log.
import * as tf from '@tensorflow/tfjs-core';
import {
  batchTensors, expectedParamShapes, FullParamTrainer, type Gpt2Config, initGpt2Params, learningRateAt, type LrSchedule,
  type NamedHostTensors, WTE,
} from '@splitlora/core';
import type { Corpus } from './corpus.js';
import { heldOutStarts, trainBatch } from './corpus.js';
import { heldOutLoss } from './held-out.js';
import type { PretrainOptions } from './pretrain-options.js';
import { decayFactor, TiedVocabulary } from './tied-vocabulary.js';
import { type CurvePoint, loadWorkState, type Progress, saveWorkState } from './work-state.js';

export interface PretrainResult {
  /** The trained weights in the full vocabulary. */
  params: NamedHostTensors;
  progress: Progress;
  /** The tying used in training (null when every row was trained on its own). */
  vocabulary: TiedVocabulary | null;
}

/** The settings a resumed run must share with the run it continues. */
export function runSettings(o: PretrainOptions): Record<string, unknown> {
  const { preset, text, seed, steps, batch, seq, lr, warmup, weightDecay, decayEmbeddings, beta2, maxGradNorm, trainFraction, tieUnseen } = o;
  return { preset, text, seed, steps, batch, seq, lr, warmup, weightDecay, decayEmbeddings, beta2, maxGradNorm, trainFraction, tieUnseen };
}

export function scheduleOf(o: PretrainOptions): LrSchedule {
  return { lr: o.lr, warmupSteps: o.warmup, totalSteps: o.steps, kind: 'cosine' };
}

export async function pretrain(config: Gpt2Config, corpus: Corpus, o: PretrainOptions, log: (line: string) => void): Promise<PretrainResult> {
  const settings = runSettings(o);
  const resumed = o.resume ? await loadWorkState(o.workDir) : null;
  if (o.resume && resumed === null) log(`no saved state in ${o.workDir}; starting from step 0`);
  if (resumed !== null && JSON.stringify(resumed.progress.settings) !== JSON.stringify(settings)) {
    throw new Error(`${o.workDir} holds a run with other settings (${JSON.stringify(resumed.progress.settings)}); use another --work-dir or the same settings`);
  }
  const initial = initGpt2Params(config, o.seed);
  const vocabulary = o.tieUnseen ? TiedVocabulary.fromTrainingTokens(corpus.train, config.vocab_size) : null;
  const model = vocabulary === null
    ? { config, train: corpus.train, heldOut: corpus.heldOut, params: initial, logitBias: null }
    : {
      config: vocabulary.reducedConfig(config), train: vocabulary.reduceIds(corpus.train), heldOut: vocabulary.reduceIds(corpus.heldOut),
      params: vocabulary.reduceParams(initial), logitBias: tf.tensor1d(vocabulary.logitBias()),
    };
  if (vocabulary !== null) log(`training ${vocabulary.shared} token rows of their own and one shared row for the ${vocabulary.tiedCount} tokens absent from the training text`);
  const trainer = new FullParamTrainer(model.config, resumed?.params ?? model.params, Object.keys(expectedParamShapes(model.config)), {
    adamw: { beta1: 0.9, beta2: o.beta2, epsilon: 1e-8, weightDecay: o.weightDecay },
    maxGradNorm: o.maxGradNorm, labelSmoothing: 0, logitBias: model.logitBias ?? undefined,
    tiedRows: vocabulary === null ? undefined : { name: WTE, multiplicity: vocabulary.multiplicity() },
    decays: (name, shape) => shape.length >= 2 && (o.decayEmbeddings || !/^transformer\.(wte|wpe)\./.test(name)),
  });
  if (resumed !== null) trainer.importState(resumed.optimizer);
  const progress: Progress = resumed?.progress ?? { step: 0, seconds: 0, curve: [], settings };
  if (resumed !== null) log(`resumed at step ${progress.step} (${(progress.seconds / 60).toFixed(1)} min trained)`);
  const evalStarts = heldOutStarts(model.heldOut, o.seq, o.evalWindows);
  const schedule = scheduleOf(o);
  const tokensPerStep = o.batch * o.seq;
  let sessionStart = performance.now();
  let secondsBefore = progress.seconds;
  let window = { loss: 0, steps: 0, started: performance.now() };
  const save = async () => {
    progress.seconds = secondsBefore + (performance.now() - sessionStart) / 1000;
    await saveWorkState(o.workDir, { params: await trainer.exportParams(), optimizer: await trainer.exportState(), progress });
  };
  try {
    while (progress.step < o.steps) {
      const step = progress.step;
      const lr = learningRateAt(schedule, step);
      const tensors = batchTensors(trainBatch(model.train, o.seq, o.batch, o.seed, step));
      const { loss, gradNorm } = await trainer.step({ ids: tensors.ids, targets: tensors.targets, mask: tensors.mask, normalizer: tokensPerStep }, lr).finally(() => tensors.dispose());
      progress.step = step + 1;
      window.loss += loss;
      window.steps += 1;
      const done = progress.step === o.steps;
      if (progress.step % o.logEvery === 0 || done) {
        const point: CurvePoint = { step: progress.step, lr, trainLoss: window.loss / window.steps };
        if (progress.step % o.evalEvery === 0 || done) point.heldOutLoss = await heldOutLoss(trainer.model(), model.heldOut, evalStarts, o.seq, model.logitBias);
        progress.curve.push(point);
        const elapsed = secondsBefore + (performance.now() - sessionStart) / 1000;
        const rate = (window.steps * tokensPerStep) / ((performance.now() - window.started) / 1000);
        const eta = ((o.steps - progress.step) * tokensPerStep) / rate;
        log(`step ${progress.step}/${o.steps}  lr ${lr.toExponential(2)}  train ${point.trainLoss.toFixed(4)}  |g| ${gradNorm.toFixed(2)}` +
          `${point.heldOutLoss === undefined ? '' : `  held-out ${point.heldOutLoss.toFixed(4)}`}  ${rate.toFixed(0)} tok/s  ` +
          `${(elapsed / 60).toFixed(1)} min, ~${(eta / 60).toFixed(1)} min left`);
        window = { loss: 0, steps: 0, started: performance.now() };
      }
      if (progress.step % o.checkpointEvery === 0 || done) {
        await save();
        secondsBefore = progress.seconds;
        sessionStart = performance.now();
      }
    }
    const trained = await trainer.exportParams();
    const decay = o.decayEmbeddings ? decayFactor(schedule, o.steps, o.weightDecay) : 1;
    return { params: vocabulary === null ? trained : vocabulary.expandParams(trained, initial, decay), progress, vocabulary };
  } finally {
    trainer.dispose();
    model.logitBias?.dispose();
  }
}
