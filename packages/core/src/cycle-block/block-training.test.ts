// FedCyBGD's block training against torch: block 1 of the tiny fixture checkpoint trained alone for 3 AdamW steps
// (only transformer.h.1.* require gradients in the fixture) — holding the whole model, and holding the split [0, 3)
// with the loss and the gradient at the cut computed by the server's split step (backward stopped at block 1).
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAPER_LORA } from '@splitlora/protocol';
import { SplitPlan } from '../config/split-plan.js';
import { loadHfGpt2, type LoadedCheckpoint } from '../io/hf-checkpoint.js';
import { readSafetensors } from '../io/safetensors.js';
import { initAdapter } from '../lora/adapter-layout.js';
import { disposeNamed, type NamedTensors, namedToTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { dirSource, FIXTURES, maxAbsDiff, readFixture } from '../test-support/fixtures.js';
import { serverLossAndGrads } from '../train/split-steps.js';
import { blockParamShapes } from '../model/param-names.js';
import { BlockOptimizer } from './block-optimizer.js';
import { blockLossAndGrads, blockSplitForward, blockSplitGrads } from './block-steps.js';

interface Case { trainable: string[]; lrs: number[]; losses: number[]; max_grad_norm: number; label_smoothing: number }
const fx = readFixture<{ weight_decay: number; betas: [number, number]; eps: number; cases: { block1: Case } }>('full-param.json');
const base = readFixture<{ ids: number[][]; targets: number[][]; mask: number[][] }>('base.json');
const expected = readSafetensors(new Uint8Array(readFileSync(join(FIXTURES, 'full-param-block1-after.safetensors'))));
const c = fx.cases.block1;
const BLOCK = 1;
const CUT = 3;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`training one block alone vs torch on ${backend}`, () => {
    let checkpoint: LoadedCheckpoint;
    beforeAll(async () => {
      await useBackend(backend);
      checkpoint = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
    });

    function setUp(): { params: NamedTensors; opt: BlockOptimizer; ids: tf.Tensor2D; targets: tf.Tensor1D; mask: tf.Tensor1D; normalizer: number } {
      expect(Object.keys(blockParamShapes(checkpoint.config, BLOCK)).sort()).toEqual([...c.trainable].sort());
      const params = namedToTensors(checkpoint.params);
      const start = Object.fromEntries(c.trainable.map((n) => [n, params[n]!]));
      const opt = new BlockOptimizer(BLOCK, start, { beta1: fx.betas[0], beta2: fx.betas[1], epsilon: fx.eps, weightDecay: fx.weight_decay }, c.max_grad_norm);
      return {
        params, opt, ids: tf.tensor2d(base.ids, undefined, 'int32'), targets: tf.tensor1d(base.targets.flat(), 'int32'),
        mask: tf.tensor1d(base.mask.flat(), 'float32'), normalizer: base.mask.flat().reduce((a, b) => a + b, 0),
      };
    }

    async function finish(name: string, s: ReturnType<typeof setUp>): Promise<void> {
      const after = await s.opt.toHost();
      let worst = 0;
      for (const n of c.trainable) worst = Math.max(worst, maxAbsDiff(after[n]!.data, expected[n]!.data));
      console.log(`[${backend}] ${name}: block ${BLOCK} after ${c.lrs.length} AdamW steps, max |Δparam| vs transformers = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);
      // The held weights are untouched: the trained block lives in the optimizer's variables until it is uploaded.
      expect(maxAbsDiff(s.params[c.trainable[0]!]!.dataSync(), checkpoint.params[c.trainable[0]!]!.data)).toBe(0);
      s.opt.dispose();
      disposeNamed(s.params);
      tf.dispose([s.ids, s.targets, s.mask]);
    }

    it('whole model: 3 steps of block 1 equal transformers with only transformer.h.1.* trainable (≤ 1e-4)', async () => {
      const before = tf.memory().numTensors;
      const s = setUp();
      for (const [step, lr] of c.lrs.entries()) {
        const { loss, grads } = blockLossAndGrads(checkpoint.config, s.params, s.opt.variables, { ...s, ids: s.ids }, c.label_smoothing);
        expect(Math.abs(loss.dataSync()[0]! - c.losses[step]!)).toBeLessThan(1e-4);
        await s.opt.apply(grads, lr);
        tf.dispose(loss);
        disposeNamed(grads);
      }
      await finish('whole model', s);
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`split at ${CUT}: the server's gradient at the cut, pulled back to block 1 only, gives the same 3 steps (≤ 1e-4)`, async () => {
      const before = tf.memory().numTensors;
      const s = setUp();
      const plan = SplitPlan.create(checkpoint.config, CUT, PAPER_LORA, 'fixture');
      const serverAdapter = namedToTensors(initAdapter(checkpoint.config, PAPER_LORA, CUT, checkpoint.config.n_layer, 1)); // B = 0: the base model
      const serverModel = { config: checkpoint.config, params: s.params };
      for (const [step, lr] of c.lrs.entries()) {
        const hidden = blockSplitForward(checkpoint.config, s.params, s.opt.variables, s.ids, CUT);
        const server = serverLossAndGrads(serverModel, { config: PAPER_LORA, tensors: serverAdapter }, hidden, s.targets, s.mask, plan, s.normalizer, { dropoutSeed: null });
        expect(Math.abs(server.loss.dataSync()[0]! - c.losses[step]!)).toBeLessThan(1e-4);
        const grads = blockSplitGrads(checkpoint.config, s.params, s.opt.variables, BLOCK, s.ids, CUT, server.gradHidden);
        expect(Object.keys(grads).sort()).toEqual([...c.trainable].sort());
        await s.opt.apply(grads, lr);
        tf.dispose([hidden, server.loss, server.gradHidden]);
        disposeNamed(server.grads);
        disposeNamed(grads);
      }
      disposeNamed(serverAdapter);
      await finish(`split at ${CUT}`, s);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
