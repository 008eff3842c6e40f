// The two ways a volunteer trains block b (FedCyBGD): holding the whole model, the loss and the gradient of block b's
// tensors alone; holding the split [0, cut), the activation at the cut, and the gradient that comes back pulled
// through blocks [b, cut) only (blocks below b run without gradients — their output is a constant).
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from '../config/gpt2-config.js';
import type { ForwardContext } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { assertGradientsRegistered } from '../train/gradient-registry.js';
import { type FullParamBatch, fullParamLossAndGrads } from '../train/full-param/full-param-grads.js';

/** Whole model: loss and the gradients of `trained` (block b's variables, standing in for its entries of `params`). */
export function blockLossAndGrads(
  config: Gpt2Config, params: NamedTensors, trained: NamedTensors, batch: FullParamBatch, labelSmoothing: number,
): { loss: tf.Scalar; grads: NamedTensors } {
  return fullParamLossAndGrads(config, { ...params, ...trained }, Object.keys(trained), batch, { labelSmoothing });
}

function named(names: readonly string[], grads: readonly tf.Tensor[]): NamedTensors {
  return Object.fromEntries(names.map((n, i) => [n, grads[i]!]));
}

function context(config: Gpt2Config, params: NamedTensors, trained: NamedTensors): ForwardContext {
  return { config, params: { ...params, ...trained }, lora: null, dropoutSeed: null };
}

/** Split: token ids (B, T) → the activation at the cut (B, T, E), nothing kept for a backward. */
export function blockSplitForward(config: Gpt2Config, params: NamedTensors, trained: NamedTensors, ids: tf.Tensor2D, cut: number): tf.Tensor3D {
  return tf.tidy(() => gpt2Forward(context(config, params, trained), ids, { from: 0, to: cut }));
}

/** Split: the gradient at the cut (B, T, E) → the gradients of block b's tensors, backpropagating through [b, cut) only. */
export function blockSplitGrads(
  config: Gpt2Config, params: NamedTensors, trained: NamedTensors, block: number, ids: tf.Tensor2D, cut: number, gradHidden: tf.Tensor3D,
): NamedTensors {
  assertGradientsRegistered();
  const ctx = context(config, params, trained);
  const names = Object.keys(trained);
  const vars = names.map((n) => trained[n]!);
  if (block === 0) return named(names, tf.grads(() => gpt2Forward(ctx, ids, { from: 0, to: cut }))(vars, gradHidden));
  const below = tf.tidy(() => gpt2Forward(ctx, ids, { from: 0, to: block })); // (B, T, E) entering block b: a constant
  try {
    return named(names, tf.grads(() => gpt2Forward(ctx, below, { from: block, to: cut }))(vars, gradHidden));
  } finally {
    below.dispose();
  }
}
