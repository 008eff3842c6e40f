// What an honest-but-curious server holds in the u-shaped layout (tailCut = L): for each step, the output it returned
// (the hidden state entering ln_f, as it computed it) and the gradient of the tab's loss w.r.t. that output, decoded
// from the wire. The targets and mask stay in the tab; they are the ground truth the label attack is scored against.
import * as tf from '@tensorflow/tfjs-core';
import {
  adapterBlocks, batchTensors, clientForward, collate, disposeNamed, type Example, LN_F_BIAS, LN_F_WEIGHT, middleForward, namedToTensors, SplitPlan,
  tailLossAndGrads, WTE, PAPER_LORA,
} from '@splitlora/core';
import type { AttackedModel } from './model-source.js';
import { throughWire, type WireDtype } from './wire.js';

export interface UShapedStepView {
  /** (B, T, E) row-major: the server's own output. */
  output: Float32Array;
  /** (B, T, E): the gradient of the tab's mean loss w.r.t. that output, as the server decodes it. */
  gradient: Float32Array;
  batch: number;
  seqLen: number;
  /** Ground truth, never shown to the attack. */
  targets: Int32Array;
  mask: Float32Array;
}

/** The server's view of u-shaped steps over `examples` at `cut` (initial adapters: B = 0, the base model). */
export function uShapedViews(model: AttackedModel, cut: number, examples: readonly Example[], batchSize: number, maxSeqLen: number, wire: WireDtype): UShapedStepView[] {
  const { config } = model;
  const plan = SplitPlan.create(config, { mode: 'u-shaped', cut, tailCut: config.n_layer }, PAPER_LORA, model.name);
  const params = namedToTensors(model.params);
  const base = { config, params };
  const client = { config: plan.lora, tensors: namedToTensors(plan.initClientAdapter(0)) };
  const server = { config: plan.lora, tensors: namedToTensors(plan.initServerAdapter(0)) };
  const views: UShapedStepView[] = [];
  try {
    for (let i = 0; i < examples.length; i += batchSize) {
      const batch = collate(examples.slice(i, i + batchSize), { batchSize, maxSeqLen, padMultiple: 8, padTokenId: config.eos_token_id });
      if (batch.tokens === 0) continue;
      const bt = batchTensors(batch);
      const hidden = clientForward(base, adapterBlocks(client, 0, cut), bt.ids, plan, null);
      const output = middleForward(base, server, hidden, plan, null);
      const head = tailLossAndGrads(base, adapterBlocks(client, plan.tailCut, config.n_layer), output, bt.targets, bt.mask, plan, batch.tokens, { dropoutSeed: null });
      const shape = [batch.batchSize, batch.seqLen, config.n_embd];
      views.push({
        output: output.dataSync() as Float32Array, gradient: throughWire(head.gradOutput.dataSync() as Float32Array, shape, wire),
        batch: batch.batchSize, seqLen: batch.seqLen, targets: Int32Array.from(batch.targets), mask: Float32Array.from(batch.lossMask),
      });
      tf.dispose([hidden, output, head.loss, head.gradOutput]);
      disposeNamed(head.grads);
      bt.dispose();
    }
  } finally {
    disposeNamed(params);
    disposeNamed(client.tensors);
    disposeNamed(server.tensors);
  }
  return views;
}

/** The frozen tail the server knows (it distributes the weights): tied head rows, ln_f's scale, ε. */
export function frozenHead(model: AttackedModel): { wte: tf.Tensor2D; gamma: Float32Array; beta: Float32Array; epsilon: number } {
  const wte = model.params[WTE]!;
  return {
    wte: tf.tensor2d(wte.data, wte.shape as [number, number]), gamma: model.params[LN_F_WEIGHT]!.data, beta: model.params[LN_F_BIAS]!.data,
    epsilon: model.config.layer_norm_epsilon,
  };
}
