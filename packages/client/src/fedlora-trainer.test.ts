// The fedlora volunteer's trainer: a local step is exactly the centralized whole-model LoRA step (same batch, dropout
// masks, label smoothing, clipping, AdamW at the schedule's rate), a round starts from the global adapter with a fresh
// optimizer, the upload is the whole adapter in fp32, a split plan is refused, and no tensor outlives the trainer.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW, BatchStream, batchTensors, clipGradsByGlobalNorm, DEFAULT_ADAMW, disposeNamed, type Example, fullLossAndGrads, gpt2Config, initGpt2Params,
  learningRateAt, mixSeed, namedToTensors, SplitPlan, TrainableAdapter,
} from '@splitlora/core';
import { type ClientManifest, decodeFloatFrame, encodeFloatFrame, packFrames, type RoundStart } from '@splitlora/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { FedLoraTrainer } from './fedlora-trainer.js';

const config = gpt2Config('tiny', { n_layer: 2, vocab_size: 256, n_positions: 32, bos_token_id: 255, eos_token_id: 255 });
const lora = { r: 4, lora_alpha: 8, lora_dropout: 0.1, target_modules: ['c_attn' as const, 'c_fc' as const], fan_in_fan_out: true as const, enable_lora: null };
const plan = SplitPlan.create(config, { mode: 'whole' }, lora, 'tiny');
const params = initGpt2Params(config, 3);
const training: ClientManifest['training'] = {
  batchSize: 2, maxSeqLen: 16, padMultiple: 8, localSteps: 2, wireDtype: 'float32', lr: 1e-2, schedule: 'linear', warmupSteps: 1, totalSteps: 4,
  weightDecay: 0.01, maxGradNorm: 0.5, seed: 5, labelSmoothing: 0.1,
};
const examples: Example[] = Array.from({ length: 6 }, (_, i) => {
  const tokens = Array.from({ length: 10 + i }, (_, j) => (i * 31 + j * 7) % config.vocab_size);
  return { tokens, lossMask: tokens.map((_, j) => (j > 2 ? 1 : 0)) };
});
const newTrainer = () => new FedLoraTrainer({ config, params: namedToTensors(params) }, plan, training, examples, 11);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FedLoraTrainer', () => {
  it('takes the same step as the centralized whole-model LoRA step, and uploads the whole adapter in fp32', async () => {
    const trainer = newTrainer();
    const reference = TrainableAdapter.ofLayout(lora, plan.clientAdapterLayout(), plan.initClientAdapter(training.seed));
    const optimizer = new AdamW({ ...DEFAULT_ADAMW, weightDecay: training.weightDecay });
    const stream = new BatchStream(examples, { batchSize: 2, maxSeqLen: 16, padMultiple: 8, padTokenId: config.eos_token_id }, 11);
    const model = { config, params: namedToTensors(params) };
    for (let step = 0; step < 2; step++) {
      const batch = stream.next();
      const bt = batchTensors(batch);
      const { loss, grads } = fullLossAndGrads(model, reference, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: mixSeed(99, step), labelSmoothing: 0.1 });
      clipGradsByGlobalNorm(grads, training.maxGradNorm);
      optimizer.apply(reference.tensors, grads, learningRateAt({ lr: training.lr, warmupSteps: 1, totalSteps: 4, kind: 'linear' }, 2 + step));
      const expectedLoss = loss.dataSync()[0]!;
      tf.dispose([loss, bt.ids, bt.targets, bt.mask]);
      disposeNamed(grads);
      const done = await trainer.localStep(99, step, 2 + step);
      expect(done.tokens).toBe(batch.tokens);
      expect(Math.abs(done.loss - expectedLoss)).toBeLessThan(1e-6);
    }
    const want = await reference.toHost();
    const frames = await trainer.updateFrames();
    expect(frames.map((f) => f.name).sort()).toEqual(Object.keys(plan.clientAdapterLayout()).sort());
    let worst = 0;
    for (const frame of frames) {
      expect(frame.dtype).toBe('float32');
      decodeFloatFrame(frame).forEach((x, i) => (worst = Math.max(worst, Math.abs(x - want[frame.name]!.data[i]!))));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(trainer.blockVersions()).toBeUndefined();
    reference.dispose();
    optimizer.dispose();
    disposeNamed(model.params);
    trainer.dispose();
  });

  it('starts each round from the global adapter of round:start', async () => {
    const trainer = newTrainer();
    await trainer.localStep(1, 0, 0);
    const global = plan.initClientAdapter(42);
    const adapter = packFrames(Object.entries(global).map(([n, t]) => encodeFloatFrame(n, t.shape, t.data, 'float32')));
    trainer.startRound({ adapter } as RoundStart);
    const loaded = await trainer.adapter.toHost();
    for (const [name, t] of Object.entries(global)) expect(Array.from(loaded[name]!.data)).toEqual(Array.from(t.data));
    trainer.dispose();
  });

  it('refuses a split plan, and leaves no tensor behind', async () => {
    const split = SplitPlan.create(config, 1, lora, 'tiny');
    expect(() => new FedLoraTrainer({ config, params: {} }, split, training, examples, 1)).toThrow('federated LoRA trains the whole model; the run\'s plan is the standard layout');
    const before = tf.memory().numTensors;
    const trainer = newTrainer();
    await trainer.localStep(1, 0, 0);
    await trainer.updateFrames();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
