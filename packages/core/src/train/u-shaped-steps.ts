// The u-shaped split's steps: the client keeps the bottom (embeddings + blocks [0, cut)) and the tail (blocks
// [tailCut, L), ln_f, the tied head), the server the middle (blocks [cut, tailCut)). Per step: bottom forward →
// middle forward → tail loss and gradients → middle backward → bottom backward; targets and mask stay with the tail.
import * as tf from '@tensorflow/tfjs-core';
import type { SplitPlan } from '../config/split-plan.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { assertGradientsRegistered } from './gradient-registry.js';
import { type AdapterBinding, adapterContext, type BaseModel, headLoss, type LossOptions } from './split-steps.js';

const BLOCK_OF = /^transformer\.h\.(\d+)\./;

/** The adapter tensors of blocks [from, to) (a u-shaped client's bottom or tail), same tensor objects. */
export function adapterBlocks(adapter: AdapterBinding, from: number, to: number): AdapterBinding {
  const tensors: NamedTensors = {};
  for (const [name, t] of Object.entries(adapter.tensors)) {
    const layer = Number(BLOCK_OF.exec(name)?.[1] ?? Number.NaN);
    if (layer >= from && layer < to) tensors[name] = t;
  }
  return { config: adapter.config, tensors };
}

function named(names: string[], values: tf.Tensor[]): NamedTensors {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

/** Server (middle) forward: activations at the cut (B, T, E) → the hidden state entering block tailCut (B, T, E). */
export function middleForward(model: BaseModel, adapter: AdapterBinding, hidden: tf.Tensor3D, plan: SplitPlan, dropoutSeed: number | null): tf.Tensor3D {
  const ctx = adapterContext(model, adapter, dropoutSeed);
  return tf.tidy(() => gpt2Forward(ctx, hidden, { from: plan.cut, to: plan.tailCut, output: 'hidden' }));
}

/**
 * Server (middle) backward: recomputes the forward (same dropout seed, same masks) and pulls the gradient of its
 * output back: the gradient at the cut and the server adapter's gradients.
 */
export function middleGrads(
  model: BaseModel, adapter: AdapterBinding, hidden: tf.Tensor3D, plan: SplitPlan, dropoutSeed: number | null, gradOutput: tf.Tensor3D,
): { gradHidden: tf.Tensor3D; grads: NamedTensors } {
  assertGradientsRegistered();
  const names = Object.keys(adapter.tensors);
  const ctx = adapterContext(model, adapter, dropoutSeed);
  const [gradHidden, ...grads] = tf.grads((h: tf.Tensor) => gpt2Forward(ctx, h, { from: plan.cut, to: plan.tailCut, output: 'hidden' }))(
    [hidden, ...names.map((n) => adapter.tensors[n]!)], gradOutput,
  );
  return { gradHidden: gradHidden as tf.Tensor3D, grads: named(names, grads) };
}

/**
 * Client tail: the server's output (B, T, E) → blocks [tailCut, L), ln_f and the head fused with cross-entropy;
 * the loss, the gradient of the server's output and the tail adapter's gradients. `tail` holds only tail tensors.
 */
export function tailLossAndGrads(
  model: BaseModel, tail: AdapterBinding, serverOutput: tf.Tensor3D, targets: tf.Tensor1D, mask: tf.Tensor1D,
  plan: SplitPlan, normalizer: number, options: LossOptions,
): { loss: tf.Scalar; gradOutput: tf.Tensor3D; grads: NamedTensors } {
  assertGradientsRegistered();
  const names = Object.keys(tail.tensors);
  const ctx = adapterContext(model, tail, options.dropoutSeed);
  const { value, grads } = tf.valueAndGrads((h: tf.Tensor) => {
    const normed = gpt2Forward(ctx, h, { from: plan.tailCut, to: model.config.n_layer, output: 'normed' });
    return headLoss(model, normed, targets, mask, normalizer, options);
  })([serverOutput, ...names.map((n) => tail.tensors[n]!)]);
  const [gradOutput, ...tailGrads] = grads;
  return { loss: value as tf.Scalar, gradOutput: gradOutput as tf.Tensor3D, grads: named(names, tailGrads) };
}

/** Client tail without gradients (evaluation on the tab's held-out share): mean loss per counted token. */
export function tailLoss(
  model: BaseModel, tail: AdapterBinding, serverOutput: tf.Tensor3D, targets: tf.Tensor1D, mask: tf.Tensor1D, plan: SplitPlan, normalizer: number,
): tf.Scalar {
  const ctx = adapterContext(model, tail, null);
  return tf.tidy(() => {
    const normed = gpt2Forward(ctx, serverOutput, { from: plan.tailCut, to: model.config.n_layer, output: 'normed' });
    return headLoss(model, normed, targets, mask, normalizer, { dropoutSeed: null, forwardOnly: true });
  });
}
