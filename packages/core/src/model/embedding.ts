// Token + position embeddings, and the LM head tied to the token embedding.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { type ForwardContext, param } from './forward-context.js';
import { LN_F_BIAS, LN_F_WEIGHT, WPE, WTE, WTE_T } from './param-names.js';
import { gatherRows } from './gather-rows.js';
import { layerNorm } from './layer-norm.js';

/** ids (B, T) int32 → hidden (B, T, E). Positions start at 0. */
export function embed(ctx: ForwardContext, ids: tf.Tensor2D): tf.Tensor3D {
  const [, T] = ids.shape;
  if (T > ctx.config.n_positions) fail('range', `sequence length ${T} exceeds n_positions ${ctx.config.n_positions}`);
  const tokens = gatherRows(param(ctx, WTE) as tf.Tensor2D, ids); // (B, T, E), differentiable on wasm too
  const positions = tf.slice(param(ctx, WPE), [0, 0], [T, ctx.config.n_embd]); // (T, E)
  return tf.add(tokens, positions) as tf.Tensor3D;
}

/** The final layer norm ln_f: hidden (B, T, E) → normed (B, T, E). */
export function finalNorm(ctx: ForwardContext, hidden: tf.Tensor3D): tf.Tensor3D {
  return layerNorm(hidden, param(ctx, LN_F_WEIGHT), param(ctx, LN_F_BIAS), ctx.config.layer_norm_epsilon) as tf.Tensor3D;
}

/** normed (B, T, E) → logits (B, T, V) through the head tied to wte (its transposed copy when the params hold one). */
export function lmHead(ctx: ForwardContext, normed: tf.Tensor3D): tf.Tensor3D {
  const [B, T, E] = normed.shape;
  const flat = tf.reshape(normed, [B * T, E]) as tf.Tensor2D; // (B*T, E)
  const transposed = ctx.params[WTE_T];
  const logits = transposed !== undefined
    ? tf.matMul(flat, transposed as tf.Tensor2D) // (B*T, V)
    : tf.matMul(flat, param(ctx, WTE) as tf.Tensor2D, false, true); // (B*T, V)
  return tf.reshape(logits, [B, T, ctx.config.vocab_size]);
}
