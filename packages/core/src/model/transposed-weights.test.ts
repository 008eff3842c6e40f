// Transposed copies of the frozen Conv1D weights change how the backward multiplies, not what it computes: the
// loss, the LoRA gradients of a centralized step and the gradient at the cut of a split step are the same with
// and without them, on cpu and wasm; the copies are made for block weights only.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { PAPER_LORA } from '../config/lora-config.js';
import { SplitPlan } from '../config/split-plan.js';
import { collate } from '../data/batching.js';
import { TrainableAdapter } from '../lora/trainable-adapter.js';
import { disposeNamed, namedToTensors, type NamedTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { batchTensors } from '../train/batch-tensors.js';
import { fullLossAndGrads, serverLossAndGrads } from '../train/split-steps.js';
import { initGpt2Params } from './init-params.js';
import { isConv1dWeight, isTransposedCopy } from './param-names.js';
import { withTransposedConv1d } from './transposed-head.js';

const config = gpt2Config('tiny', { vocab_size: 120, n_embd: 16, n_layer: 3, n_head: 2, n_positions: 16, bos_token_id: 119, eos_token_id: 119 });

async function maxDiff(a: NamedTensors, b: NamedTensors): Promise<number> {
  let max = 0;
  for (const name of Object.keys(a)) {
    const [x, y] = [await a[name]!.data(), await b[name]!.data()];
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  }
  return max;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`transposed Conv1D weights on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    it('give the same loss and gradients as the plain weights', async () => {
      const before = tf.memory().numTensors;
      const params = namedToTensors(initGpt2Params(config, 4));
      const withT = withTransposedConv1d(params);
      const added = Object.keys(withT).filter((n) => !(n in params));
      expect(added.length).toBe(3 * 4);
      expect(added.every((n) => isTransposedCopy(n) && isConv1dWeight(n.slice(0, -2)))).toBe(true);
      const adapter = TrainableAdapter.init(config, PAPER_LORA, 0, 3, 9);
      const batch = collate([{ tokens: [5, 9, 2, 7, 1, 3, 8], lossMask: [0, 0, 1, 1, 1, 1, 1] }, { tokens: [4, 4, 6], lossMask: [0, 1, 1] }], { batchSize: 2, maxSeqLen: 8, padTokenId: 119 });
      const bt = batchTensors(batch);
      const plain = fullLossAndGrads({ config, params }, adapter, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: 3 });
      const fast = fullLossAndGrads({ config, params: withT }, adapter, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: 3 });
      expect(Math.abs((await plain.loss.data())[0]! - (await fast.loss.data())[0]!)).toBeLessThan(1e-6);
      expect(await maxDiff(plain.grads, fast.grads)).toBeLessThan(1e-6);
      const hidden = tf.randomNormal([2, batch.seqLen, config.n_embd], 0, 1, 'float32', 5) as tf.Tensor3D;
      const server = TrainableAdapter.init(config, PAPER_LORA, 1, 3, 9);
      const plan = SplitPlan.create(config, 1, PAPER_LORA);
      const s1 = serverLossAndGrads({ config, params }, server, hidden, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: 2 });
      const s2 = serverLossAndGrads({ config, params: withT }, server, hidden, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: 2 });
      expect(await maxDiff({ g: s1.gradHidden }, { g: s2.gradHidden })).toBeLessThan(1e-6);
      expect(await maxDiff(s1.grads, s2.grads)).toBeLessThan(1e-6);
      tf.dispose([plain.loss, fast.loss, s1.loss, s2.loss, s1.gradHidden, s2.gradHidden, hidden]);
      [plain.grads, fast.grads, s1.grads, s2.grads].forEach(disposeNamed);
      bt.dispose();
      adapter.dispose();
      server.dispose();
      disposeNamed(withT); // the table with the copies holds the originals too
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
