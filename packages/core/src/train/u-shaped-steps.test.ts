// "Split is invisible" for the u-shaped layout: at every cut (and a tail cut below L) bottom → middle → tail →
// middle backward → bottom backward gives the unsplit model's loss and LoRA gradients, and 20 steps of one-client
// u-shaped training equal 20 centralized steps (AdamW, schedule, LoRA dropout included).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { PAPER_LORA } from '../config/lora-config.js';
import { SplitPlan } from '../config/split-plan.js';
import { collate } from '../data/batching.js';
import { createRng } from '../data/rng.js';
import { initGpt2Params } from '../model/init-params.js';
import { TrainableAdapter } from '../lora/trainable-adapter.js';
import { disposeNamed, namedToTensors, type NamedTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { maxAbsDiff } from '../test-support/fixtures.js';
import { AdamW } from './adamw.js';
import { batchTensors } from './batch-tensors.js';
import { learningRateAt } from './lr-schedule.js';
import { clientForward, clientGrads, fullLossAndGrads } from './split-steps.js';
import { adapterBlocks, middleForward, middleGrads, tailLoss, tailLossAndGrads } from './u-shaped-steps.js';

const config = gpt2Config('tiny', { vocab_size: 300, n_embd: 32, n_layer: 5, n_head: 4, n_positions: 32, bos_token_id: 299, eos_token_id: 299 });
const host = initGpt2Params(config, 7);

function randomBatch(seed: number) {
  const rng = createRng(seed);
  const examples = [0, 1, 2].map((i) => {
    const tokens = Array.from({ length: 6 + i * 3 }, () => Math.floor(rng() * 299));
    return { tokens, lossMask: tokens.map((_, t) => (t >= 2 ? 1 : 0)) };
  });
  return collate(examples, { batchSize: 3, maxSeqLen: 16, padTokenId: 299 });
}

/** One u-shaped step's loss and every adapter gradient (client bottom + tail, server middle). */
function uShapedStep(model: { config: typeof config; params: NamedTensors }, client: { config: typeof PAPER_LORA; tensors: NamedTensors }, server: { config: typeof PAPER_LORA; tensors: NamedTensors },
  plan: SplitPlan, batch: ReturnType<typeof randomBatch>, seed: number | null) {
  const bt = batchTensors(batch);
  const bottom = adapterBlocks(client, 0, plan.cut);
  const tail = adapterBlocks(client, plan.tailCut, config.n_layer);
  const hidden = clientForward(model, bottom, bt.ids, plan, seed);
  const output = middleForward(model, server, hidden, plan, seed);
  const head = tailLossAndGrads(model, tail, output, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: seed });
  const middle = middleGrads(model, server, hidden, plan, seed, head.gradOutput);
  const bottomGrads = clientGrads(model, bottom, bt.ids, plan, seed, middle.gradHidden);
  const loss = head.loss.dataSync()[0]!;
  tf.dispose([hidden, output, head.loss, head.gradOutput, middle.gradHidden]);
  bt.dispose();
  return { loss, clientGrads: { ...bottomGrads, ...head.grads }, serverGrads: middle.grads };
}

describe('u-shaped training equals centralized training', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the same loss and LoRA gradients at every cut and tail cut', () => {
    const lora = { ...PAPER_LORA, lora_dropout: 0 };
    const batch = randomBatch(1);
    const bt = batchTensors(batch);
    const params = namedToTensors(host);
    const model = { config, params };
    const full = TrainableAdapter.init(config, lora, 0, config.n_layer, 3);
    const rng = createRng(11);
    for (const [name, v] of Object.entries(full.tensors)) {
      if (name.includes('lora_B')) v.assign(tf.tensor(Array.from({ length: v.size }, () => (rng() - 0.5) * 0.2), v.shape));
    }
    const reference = fullLossAndGrads(model, full, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: null });
    const refLoss = reference.loss.dataSync()[0]!;
    let cases = 0;
    for (let cut = 1; cut < config.n_layer; cut++) {
      for (const tailCut of new Set([config.n_layer, cut + 1])) {
        const plan = SplitPlan.create(config, { mode: 'u-shaped', cut, tailCut }, lora);
        const pick = (layout: Record<string, number[]>): NamedTensors => Object.fromEntries(Object.keys(layout).map((n) => [n, full.tensors[n]!]));
        const client = { config: lora, tensors: pick(plan.clientAdapterLayout()) };
        const server = { config: lora, tensors: pick(plan.serverAdapterLayout()) };
        const clientModel = { config, params: Object.fromEntries(Object.keys(plan.clientParamShapes()).map((n) => [n, params[n]!])) };
        const serverModel = { config, params: Object.fromEntries(Object.keys(plan.serverParamShapes()).map((n) => [n, params[n]!])) };
        expect(Object.keys(serverModel.params).some((n) => n.includes('wte') || n.includes('ln_f'))).toBe(false);
        const bt2 = batchTensors(batch);
        const bottom = adapterBlocks(client, 0, cut);
        const tail = adapterBlocks(client, tailCut, config.n_layer);
        const hidden = clientForward(clientModel, bottom, bt2.ids, plan, null);
        const output = middleForward(serverModel, server, hidden, plan, null);
        const head = tailLossAndGrads(clientModel, tail, output, bt2.targets, bt2.mask, plan, batch.tokens, { dropoutSeed: null });
        const evalLoss = tailLoss(clientModel, tail, output, bt2.targets, bt2.mask, plan, batch.tokens);
        const middle = middleGrads(serverModel, server, hidden, plan, null, head.gradOutput);
        const bottomGrads = clientGrads(clientModel, bottom, bt2.ids, plan, null, middle.gradHidden);
        const grads = { ...bottomGrads, ...head.grads, ...middle.grads };
        expect(Object.keys(grads).sort()).toEqual(Object.keys(reference.grads).sort());
        let gradDiff = 0;
        for (const [name, g] of Object.entries(grads)) gradDiff = Math.max(gradDiff, maxAbsDiff(g.dataSync(), reference.grads[name]!.dataSync()));
        const lossDiff = Math.abs(head.loss.dataSync()[0]! - refLoss);
        console.log(`u-shaped cut ${cut}, tail ${tailCut}: |Δloss| = ${lossDiff.toExponential(2)}, max |Δgrad| = ${gradDiff.toExponential(2)}`);
        expect(lossDiff).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(evalLoss.dataSync()[0]! - refLoss)).toBeLessThanOrEqual(1e-5);
        expect(gradDiff).toBeLessThanOrEqual(1e-5);
        tf.dispose([hidden, output, head.loss, head.gradOutput, middle.gradHidden, evalLoss]);
        disposeNamed(grads);
        bt2.dispose();
        cases++;
      }
    }
    expect(cases).toBe(7);
    tf.dispose(reference.loss);
    disposeNamed(reference.grads);
    disposeNamed(params);
    full.dispose();
    bt.dispose();
  });

  it('20 steps of one-client u-shaped training equal 20 centralized steps', () => {
    const lora = PAPER_LORA; // LoRA dropout 0.1: the seeded masks must agree across the three parts
    const plan = SplitPlan.create(config, { mode: 'u-shaped', cut: 2, tailCut: config.n_layer }, lora);
    const schedule = { lr: 2e-3, warmupSteps: 3, totalSteps: 20, kind: 'linear' as const };
    const params = namedToTensors(host);
    const model = { config, params };
    const central = TrainableAdapter.init(config, lora, 0, config.n_layer, 5);
    const client = TrainableAdapter.ofLayout(lora, plan.clientAdapterLayout(), plan.initClientAdapter(5));
    const server = TrainableAdapter.ofLayout(lora, plan.serverAdapterLayout(), plan.initServerAdapter(5));
    const [optC, optClient, optServer] = [new AdamW(), new AdamW(), new AdamW()];
    const losses: [number, number][] = [];
    for (let step = 0; step < 20; step++) {
      const batch = randomBatch(100 + step);
      const bt = batchTensors(batch);
      const lr = learningRateAt(schedule, step);
      const seed = 1000 + step;
      const c = fullLossAndGrads(model, central, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: seed });
      optC.apply(central.tensors, c.grads, lr);
      const u = uShapedStep(model, client, server, plan, batch, seed);
      optClient.apply(client.tensors, u.clientGrads, lr);
      optServer.apply(server.tensors, u.serverGrads, lr);
      losses.push([c.loss.dataSync()[0]!, u.loss]);
      tf.dispose(c.loss);
      [c.grads, u.clientGrads, u.serverGrads].forEach(disposeNamed);
      bt.dispose();
    }
    let worst = 0;
    for (const [name, v] of Object.entries({ ...client.tensors, ...server.tensors })) {
      worst = Math.max(worst, maxAbsDiff(v.dataSync(), central.tensors[name]!.dataSync()) / Math.max(1e-3, Math.max(...Array.from(central.tensors[name]!.dataSync(), Math.abs))));
    }
    const lossGap = Math.max(...losses.map(([a, b]) => Math.abs(a - b) / Math.abs(a)));
    console.log(`20 u-shaped steps: max rel |Δadapter| = ${worst.toExponential(2)}, max rel |Δloss| = ${lossGap.toExponential(2)}, loss ${losses[0]![0].toFixed(4)} → ${losses[19]![0].toFixed(4)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(lossGap).toBeLessThanOrEqual(1e-5);
    expect(losses[19]![0]).toBeLessThan(losses[0]![0]);
    [central, client, server].forEach((a) => a.dispose());
    [optC, optClient, optServer].forEach((o) => o.dispose());
    disposeNamed(params);
  });
});
