// The GPT-2 forward pass over a range of blocks: the cut point is an argument, so a split is a slice.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { block } from './block.js';
import { embed, finalNorm, lmHead } from './embedding.js';
import type { ForwardContext } from './forward-context.js';

export interface ForwardRange {
  /** First block to run; 0 means the input is token ids and the embeddings run first. */
  from?: number;
  /** One past the last block to run; n_layer means ln_f and the head run last and logits come out. */
  to?: number;
  /**
   * With to = n_layer: 'logits' (default), 'normed' — the hidden state after ln_f, for a fused head + loss — or
   * 'hidden' — the state leaving the last block, before ln_f (a u-shaped server's output).
   */
  output?: 'logits' | 'normed' | 'hidden';
}

/**
 * from = 0: `input` is token ids (B, T) int32; otherwise it is the hidden state (B, T, E) entering block `from`.
 * to = n_layer: returns logits (B, T, V); otherwise the hidden state leaving block `to - 1`.
 * Call inside tf.tidy (or tf.grads); every intermediate is then released.
 */
export function gpt2Forward(ctx: ForwardContext, input: tf.Tensor, range: ForwardRange = {}): tf.Tensor3D {
  const L = ctx.config.n_layer;
  const from = range.from ?? 0;
  const to = range.to ?? L;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > L || from > to) {
    fail('range', `block range [${from}, ${to}) out of range for a model with ${L} blocks`);
  }
  let h: tf.Tensor3D;
  if (from === 0) {
    if (input.rank !== 2 || input.dtype !== 'int32') fail('range', `input to block 0 must be int32 token ids (B, T), found ${input.dtype} rank ${input.rank}`);
    h = embed(ctx, input as tf.Tensor2D); // (B, T, E)
  } else {
    if (input.rank !== 3 || input.shape[2] !== ctx.config.n_embd) {
      fail('range', `input to block ${from} must be a hidden state (B, T, ${ctx.config.n_embd}), found [${input.shape.join(', ')}]`);
    }
    h = input as tf.Tensor3D;
  }
  for (let layer = from; layer < to; layer++) h = block(ctx, layer, h);
  if (to < L || range.output === 'hidden') return h;
  return range.output === 'normed' ? finalNorm(ctx, h) : lmHead(ctx, finalNorm(ctx, h));
}
