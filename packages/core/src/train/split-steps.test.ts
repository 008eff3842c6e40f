// "Split is invisible": for every cut, split forward/backward equals the unsplit model, and 20 steps of
// one-client split training equal 20 centralized steps (AdamW, schedule, LoRA dropout included), on cpu and webgpu.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { loraConfig, PAPER_LORA } from '../config/lora-config.js';
import { SplitPlan } from '../config/split-plan.js';
import { initGpt2Params } from '../model/init-params.js';
import { clientPart, serverPart } from '../model/param-names.js';
import { TrainableAdapter } from '../lora/trainable-adapter.js';
import { disposeNamed, namedToTensors, type NamedTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { maxAbsDiff } from '../test-support/fixtures.js';
import { AdamW } from './adamw.js';
import { learningRateAt } from './lr-schedule.js';
import { clientForward, clientGrads, fullLossAndGrads, serverLossAndGrads } from './split-steps.js';
import { collate } from '../data/batching.js';
import { batchTensors } from './batch-tensors.js';
import { createRng } from '../data/rng.js';

const config = gpt2Config('tiny', { vocab_size: 300, n_embd: 32, n_layer: 5, n_head: 4, n_positions: 32, bos_token_id: 299, eos_token_id: 299 });
const host = initGpt2Params(config, 7);

function randomBatch(seed: number) {
  const rng = createRng(seed);
  const examples = [0, 1, 2].map((i) => {
    const n = 6 + i * 3;
    const tokens = Array.from({ length: n }, () => Math.floor(rng() * 299));
    return { tokens, lossMask: tokens.map((_, t) => (t >= 2 ? 1 : 0)) };
  });
  return collate(examples, { batchSize: 3, maxSeqLen: 16, padTokenId: 299 });
}

/** A LoRA whose B is non-zero, so every gradient path is exercised. */
function adapterFor(lora: typeof PAPER_LORA, from: number, to: number): TrainableAdapter {
  const adapter = TrainableAdapter.init(config, lora, from, to, 3);
  const rng = createRng(11);
  for (const [name, v] of Object.entries(adapter.tensors)) {
    if (name.includes('lora_B')) v.assign(tf.tensor(Array.from({ length: v.size }, () => (rng() - 0.5) * 0.2), v.shape));
  }
  return adapter;
}

for (const backend of ['cpu', 'webgpu'] as const) describe(`split training equals centralized training on ${backend}`, () => {
  beforeAll(() => useBackend(backend));
  const timeout = backend === 'webgpu' ? 600_000 : undefined; // software adapters (SwiftShader in CI) are slow

  for (const [label, lora] of [['paper q/v', { ...PAPER_LORA, lora_dropout: 0 }], ['whole-module', loraConfig({ target_modules: ['c_attn', 'c_proj', 'c_fc'], enable_lora: null, lora_dropout: 0 })]] as const) {
    it(`gives the same loss and LoRA gradients at every cut (${label})`, async () => {
      const batch = randomBatch(1);
      const bt = batchTensors(batch);
      const all = namedToTensors(host);
      const full = adapterFor(lora, 0, config.n_layer);
      const reference = fullLossAndGrads({ config, params: all }, full, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: null });
      const refLoss = (await reference.loss.data())[0]!;
      for (let cut = 1; cut < config.n_layer; cut++) {
        const pick = (names: string[]): NamedTensors => Object.fromEntries(names.map((n) => [n, all[n]!]));
        const clientModel = { config, params: pick(Object.keys(initGpt2Params(config, 0, clientPart(cut)))) };
        const serverModel = { config, params: pick(Object.keys(initGpt2Params(config, 0, serverPart(config, cut)))) };
        const clientAdapter = { config: lora, tensors: Object.fromEntries(Object.entries(full.tensors).filter(([n]) => Number(n.split('.')[2]) < cut)) };
        const serverAdapter = { config: lora, tensors: Object.fromEntries(Object.entries(full.tensors).filter(([n]) => Number(n.split('.')[2]) >= cut)) };
        const plan = SplitPlan.create(config, cut, lora);
        const hidden = clientForward(clientModel, clientAdapter, bt.ids, plan, null);
        const server = serverLossAndGrads(serverModel, serverAdapter, hidden, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: null });
        const client = clientGrads(clientModel, clientAdapter, bt.ids, plan, null, server.gradHidden);
        const lossDiff = Math.abs((await server.loss.data())[0]! - refLoss);
        let gradDiff = 0;
        for (const [name, g] of Object.entries({ ...client, ...server.grads })) {
          gradDiff = Math.max(gradDiff, maxAbsDiff(await g.data(), await reference.grads[name]!.data()));
        }
        expect(Object.keys({ ...client, ...server.grads }).sort()).toEqual(Object.keys(reference.grads).sort());
        console.log(`cut ${cut} (${label}): |Δloss| = ${lossDiff.toExponential(2)}, max |Δgrad| = ${gradDiff.toExponential(2)}`);
        expect(lossDiff).toBeLessThanOrEqual(1e-5);
        expect(gradDiff).toBeLessThanOrEqual(1e-5);
        tf.dispose([hidden, server.loss, server.gradHidden]);
        disposeNamed(server.grads);
        disposeNamed(client);
      }
      tf.dispose(reference.loss);
      disposeNamed(reference.grads);
      disposeNamed(all);
      full.dispose();
      bt.dispose();
    }, timeout);
  }

  it('20 steps of one-client split training equal 20 centralized steps', async () => {
    const lora = PAPER_LORA; // with LoRA dropout 0.1: seeded masks must agree between the two
    const cut = 3;
    const plan = SplitPlan.create(config, cut, lora);
    const schedule = { lr: 2e-3, warmupSteps: 3, totalSteps: 20, kind: 'linear' as const };
    const params = namedToTensors(host);
    const model = { config, params };
    const central = TrainableAdapter.init(config, lora, 0, config.n_layer, 5);
    const client = TrainableAdapter.init(config, lora, 0, cut, 5);
    const server = TrainableAdapter.init(config, lora, cut, config.n_layer, 5);
    const [optC, optClient, optServer] = [new AdamW(), new AdamW(), new AdamW()];
    const losses: [number, number][] = [];
    for (let step = 0; step < 20; step++) {
      const batch = randomBatch(100 + step);
      const bt = batchTensors(batch);
      const lr = learningRateAt(schedule, step);
      const seed = 1000 + step;
      const c = fullLossAndGrads(model, central, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: seed });
      optC.apply(central.tensors, c.grads, lr);
      const hidden = clientForward(model, client, bt.ids, plan, seed);
      const s = serverLossAndGrads(model, server, hidden, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: seed });
      const g = clientGrads(model, client, bt.ids, plan, seed, s.gradHidden);
      optServer.apply(server.tensors, s.grads, lr);
      optClient.apply(client.tensors, g, lr);
      losses.push([(await c.loss.data())[0]!, (await s.loss.data())[0]!]);
      tf.dispose([c.loss, s.loss, s.gradHidden, hidden]);
      disposeNamed(c.grads);
      disposeNamed(s.grads);
      disposeNamed(g);
      bt.dispose();
    }
    let worst = 0;
    for (const [name, v] of Object.entries({ ...client.tensors, ...server.tensors })) {
      worst = Math.max(worst, maxAbsDiff(await v.data(), await central.tensors[name]!.data()));
    }
    const lossGap = Math.max(...losses.map(([a, b]) => Math.abs(a - b)));
    console.log(`20 steps: max |Δadapter| = ${worst.toExponential(2)}, max |Δloss| = ${lossGap.toExponential(2)}, loss ${losses[0]![0].toFixed(4)} → ${losses[19]![0].toFixed(4)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(lossGap).toBeLessThanOrEqual(1e-5);
    expect(losses[19]![0]).toBeLessThan(losses[0]![0]);
    [central, client, server].forEach((a) => a.dispose());
    [optC, optClient, optServer].forEach((o) => o.dispose());
    disposeNamed(params);
  }, timeout);
});
