// Held-out loss of a model over fixed windows of the held-out tokens, in batches (token-weighted mean), optionally
// with a logit bias (the tied-vocabulary training model).
import * as tf from '@tensorflow/tfjs-core';
import { type BaseModel, batchTensors, gpt2Forward, tiedHeadCrossEntropy, withTransposedHead, WTE, WTE_T } from '@splitlora/core';
import { windowBatch } from './corpus.js';

/** Mean next-token loss over the windows starting at `starts` (each `seqLen` tokens), `rows` windows per batch. */
export async function heldOutLoss(
  model: BaseModel, tokens: Int32Array, starts: readonly number[], seqLen: number, logitBias: tf.Tensor1D | null = null, rows = 16,
): Promise<number> {
  if (starts.length === 0) throw new Error('no held-out windows to evaluate');
  const params = withTransposedHead(model.params); // the head's product without transposeB (much faster on wasm)
  const ctx = { config: model.config, params, lora: null, dropoutSeed: null };
  let sum = 0;
  try {
    for (let first = 0; first < starts.length; first += rows) {
      const t = batchTensors(windowBatch(tokens, starts.slice(first, first + rows), seqLen));
      const loss = tf.tidy(() => {
        const normed = gpt2Forward(ctx, t.ids, { output: 'normed' }); // (B, T, E)
        const [B, T, E] = normed.shape;
        const flat = tf.reshape(normed, [B * T, E]) as tf.Tensor2D;
        return tiedHeadCrossEntropy(flat, params[WTE] as tf.Tensor2D, params[WTE_T] as tf.Tensor2D, t.targets, t.mask, 1, {
          forwardOnly: true, logitBias: logitBias ?? undefined,
        }); // the sum over the batch's tokens
      });
      sum += (await loss.data())[0]!;
      loss.dispose();
      t.dispose();
    }
  } finally {
    if (params !== model.params) params[WTE_T]!.dispose();
  }
  return sum / (starts.length * seqLen);
}
