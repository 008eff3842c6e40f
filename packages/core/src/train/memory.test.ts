// No leaks: after N split and centralized train steps (and FedAvg), tf.memory().numTensors is back at its baseline.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { PAPER_LORA } from '../config/lora-config.js';
import { SplitPlan } from '../config/split-plan.js';
import { collate } from '../data/batching.js';
import { TrainableAdapter } from '../lora/trainable-adapter.js';
import { initGpt2Params } from '../model/init-params.js';
import { disposeNamed, namedToTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { AdamW } from './adamw.js';
import { batchTensors } from './batch-tensors.js';
import { fedAvg } from './fedavg.js';
import { clipGradsByGlobalNorm } from './grad-clip.js';
import { clientForward, clientGrads, fullLossAndGrads, serverLossAndGrads } from './split-steps.js';

const config = gpt2Config('tiny', { vocab_size: 120, n_embd: 16, n_layer: 3, n_head: 2, n_positions: 16, bos_token_id: 119, eos_token_id: 119 });

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  describe(`tensor memory on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    // Each kernel is slow on a software adapter (SwiftShader in CI): fewer steps there still show any per-step leak.
    const steps = backend === 'webgpu' ? 5 : 25;
    it(`returns to the baseline after ${steps} split steps, ${steps} centralized steps and a FedAvg`, async () => {
      const before = tf.memory().numTensors;
      const params = namedToTensors(initGpt2Params(config, 1));
      const model = { config, params };
      const plan = SplitPlan.create(config, 1, PAPER_LORA);
      const client = TrainableAdapter.init(config, PAPER_LORA, 0, 1, 1);
      const server = TrainableAdapter.init(config, PAPER_LORA, 1, 3, 1);
      const full = TrainableAdapter.init(config, PAPER_LORA, 0, 3, 1);
      const opts = [new AdamW(), new AdamW(), new AdamW()];
      const batch = collate([{ tokens: [1, 2, 3, 4, 5, 6], lossMask: [0, 1, 1, 1, 1, 1] }], { batchSize: 1, maxSeqLen: 8, padTokenId: 119 });
      const step = async (i: number) => {
        const bt = batchTensors(batch);
        const hidden = clientForward(model, client, bt.ids, plan, i);
        const s = serverLossAndGrads(model, server, hidden, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: i, labelSmoothing: 0.1 });
        const g = clientGrads(model, client, bt.ids, plan, i, s.gradHidden);
        clipGradsByGlobalNorm(g, 1.0);
        opts[0]!.apply(client.tensors, g, 1e-3);
        opts[1]!.apply(server.tensors, s.grads, 1e-3);
        await s.loss.data();
        tf.dispose([hidden, s.loss, s.gradHidden, ...Object.values(g), ...Object.values(s.grads)]);
        const c = fullLossAndGrads(model, full, bt.ids, bt.targets, bt.mask, batch.tokens, { dropoutSeed: i });
        opts[2]!.apply(full.tensors, c.grads, 1e-3);
        tf.dispose([c.loss, ...Object.values(c.grads)]);
        bt.dispose();
      };
      await step(0); // the optimizers create their moment variables on the first step
      const baseline = tf.memory().numTensors;
      for (let i = 1; i <= steps; i++) await step(i);
      const avg = fedAvg([{ source: 'a', adapter: client.asTable(), weight: 1 }, { source: 'b', adapter: client.asTable(), weight: 3 }]);
      disposeNamed(avg);
      expect(tf.memory().numTensors).toBe(baseline);
      opts.forEach((o) => o.dispose());
      [client, server, full].forEach((a) => a.dispose());
      disposeNamed(params);
      expect(tf.memory().numTensors).toBe(before); // adapters and optimizer moments leave nothing behind
    }, backend === 'webgpu' ? 600_000 : undefined);
  });
}
