// Loss and gradients of the whole model, of the server split (from cut activations) and of the client split
// (from the gradient at the cut). Splitting is slicing the block range, so the three agree exactly. The split
// functions take a SplitPlan: the cut was checked once, when the plan was made.
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from '../config/gpt2-config.js';
import type { LoraConfig } from '../config/lora-config.js';
import type { SplitPlan } from '../config/split-plan.js';
import type { ForwardContext } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { tiedHeadCrossEntropy } from './head-loss.js';
import { WTE, WTE_T } from '../model/param-names.js';
import { assertGradientsRegistered } from './gradient-registry.js';

export interface BaseModel {
  config: Gpt2Config;
  /** Frozen weights by HF name (only the part this party holds). */
  params: NamedTensors;
}

export interface AdapterBinding {
  config: LoraConfig;
  tensors: NamedTensors;
}

export interface LossOptions {
  labelSmoothing?: number;
  /** Receives a kept copy of the per-token losses; the caller disposes it. */
  perTokenSink?: (perToken: tf.Tensor1D) => void;
  /** Seed of this step's LoRA dropout masks; null runs without dropout. */
  dropoutSeed: number | null;
  /** Evaluation only: skip the head's gradient work. */
  forwardOnly?: boolean;
}

function context(model: BaseModel, adapter: AdapterBinding, dropoutSeed: number | null): ForwardContext {
  return { config: model.config, params: model.params, lora: { config: adapter.config, tensors: adapter.tensors }, dropoutSeed };
}

function named(names: string[], values: tf.Tensor[]): NamedTensors {
  const out: NamedTensors = {};
  names.forEach((name, i) => (out[name] = values[i]!));
  return out;
}

/** ln_f output (B, T, E) → the loss through the tied head fused with cross-entropy. */
function headLoss(model: BaseModel, normed: tf.Tensor3D, targets: tf.Tensor1D, mask: tf.Tensor1D, normalizer: number, options: LossOptions): tf.Scalar {
  const [B, T, E] = normed.shape;
  const wte = model.params[WTE] as tf.Tensor2D;
  const wteT = (model.params[WTE_T] as tf.Tensor2D | undefined) ?? null;
  return tiedHeadCrossEntropy(tf.reshape(normed, [B * T, E]), wte, wteT, targets, mask, normalizer, options); // (B*T, E) in
}

/** Centralized step: loss of the full model and the gradients of every adapter tensor. */
export function fullLossAndGrads(
  model: BaseModel, adapter: AdapterBinding, ids: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D,
  normalizer: number, options: LossOptions,
): { loss: tf.Scalar; grads: NamedTensors } {
  assertGradientsRegistered();
  const names = Object.keys(adapter.tensors);
  const ctx = context(model, adapter, options.dropoutSeed);
  const { value, grads } = tf.valueAndGrads(() => {
    const normed = gpt2Forward(ctx, ids, { output: 'normed' });
    return headLoss(model, normed, targets, mask, normalizer, options);
  })(names.map((n) => adapter.tensors[n]!));
  return { loss: value as tf.Scalar, grads: named(names, grads) };
}

/** Client split forward: token ids (B, T) → the activation at the cut (B, T, E). */
export function clientForward(model: BaseModel, adapter: AdapterBinding, ids: tf.Tensor2D, plan: SplitPlan, dropoutSeed: number | null): tf.Tensor3D {
  const { cut } = plan;
  const ctx = context(model, adapter, dropoutSeed);
  return tf.tidy(() => gpt2Forward(ctx, ids, { from: 0, to: cut }));
}

/**
 * Client split backward: recomputes the forward (same dropout seed, so the same masks) and pulls the
 * gradient at the cut back into the client adapter: the vector–Jacobian product with `gradHidden`.
 */
export function clientGrads(
  model: BaseModel, adapter: AdapterBinding, ids: tf.Tensor2D, plan: SplitPlan, dropoutSeed: number | null, gradHidden: tf.Tensor3D,
): NamedTensors {
  const { cut } = plan;
  assertGradientsRegistered();
  const names = Object.keys(adapter.tensors);
  const ctx = context(model, adapter, dropoutSeed);
  const grads = tf.grads(() => gpt2Forward(ctx, ids, { from: 0, to: cut }))(names.map((n) => adapter.tensors[n]!), gradHidden);
  return named(names, grads);
}

/** Server split: activations at the cut → loss, the gradient back at the cut, and the server adapter's gradients. */
export function serverLossAndGrads(
  model: BaseModel, adapter: AdapterBinding, hidden: tf.Tensor3D, targets: tf.Tensor1D, mask: tf.Tensor1D,
  plan: SplitPlan, normalizer: number, options: LossOptions,
): { loss: tf.Scalar; gradHidden: tf.Tensor3D; grads: NamedTensors } {
  const { cut } = plan;
  assertGradientsRegistered();
  const names = Object.keys(adapter.tensors);
  const ctx = context(model, adapter, options.dropoutSeed);
  const { value, grads } = tf.valueAndGrads((h: tf.Tensor) => {
    const normed = gpt2Forward(ctx, h, { from: cut, to: model.config.n_layer, output: 'normed' });
    return headLoss(model, normed, targets, mask, normalizer, options);
  })([hidden, ...names.map((n) => adapter.tensors[n]!)]);
  const [gradHidden, ...adapterGrads] = grads;
  return { loss: value as tf.Scalar, gradHidden: gradHidden as tf.Tensor3D, grads: named(names, adapterGrads) };
}

/** Loss of the full model without gradients (evaluation): fused head + cross-entropy, no (N, V) gradient work. */
export function fullLoss(model: BaseModel, adapter: AdapterBinding | null, ids: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D, normalizer: number): tf.Scalar {
  const ctx: ForwardContext = { config: model.config, params: model.params, lora: adapter, dropoutSeed: null };
  return tf.tidy(() => headLoss(model, gpt2Forward(ctx, ids, { output: 'normed' }), targets, mask, normalizer, { dropoutSeed: null, forwardOnly: true }));
}

/** Forward of the full model without gradients: logits (B, T, V). */
export function fullLogits(model: BaseModel, adapter: AdapterBinding | null, ids: tf.Tensor2D): tf.Tensor3D {
  const ctx: ForwardContext = { config: model.config, params: model.params, lora: adapter, dropoutSeed: null };
  return tf.tidy(() => gpt2Forward(ctx, ids));
}
