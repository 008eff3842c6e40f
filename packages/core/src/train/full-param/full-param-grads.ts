// Loss and gradients of the whole GPT-2 w.r.t. a chosen set of its parameters (full-parameter training: centralized
// pretraining, FedCyBGD's one-block updates). The tied wte gets both shares: the head's and the embedding lookup's.
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from '../../config/gpt2-config.js';
import { fail } from '../../errors.js';
import type { ForwardContext } from '../../model/forward-context.js';
import { gpt2Forward } from '../../model/gpt2-forward.js';
import { transposedName, WTE, WTE_T } from '../../model/param-names.js';
import type { NamedTensors } from '../../tensors/named-tensors.js';
import { assertGradientsRegistered } from '../gradient-registry.js';
import { tiedHeadCrossEntropy } from '../head-loss.js';

export interface FullParamBatch {
  ids: tf.Tensor2D;
  targets: tf.Tensor1D;
  mask: tf.Tensor1D;
  /** Divides the masked loss sum: usually the number of counted tokens (known on the host). */
  normalizer: number;
}

/** Checks that every trainable name is a parameter and has no derived transposed copy (which would block its gradient). */
export function checkTrainable(params: Readonly<Record<string, unknown>>, trainable: readonly string[]): void {
  if (trainable.length === 0) fail('config', 'full-parameter training needs at least one trainable parameter');
  for (const name of trainable) {
    if (params[name] === undefined) fail('config', `trainable parameter ${name} is not in the model's parameter table`);
    if (params[transposedName(name)] !== undefined) {
      fail('config', `trainable parameter ${name} has a frozen transposed copy ${transposedName(name)}; drop it before training`);
    }
  }
}

export interface FullParamLossOptions {
  labelSmoothing?: number;
  /** Added to the logits inside the softmax (see HeadLossOptions.logitBias); the caller owns it. */
  logitBias?: tf.Tensor1D;
}

/** The head + loss over the model's normed output, differentiable w.r.t. wte when wte is trained. */
function headLoss(params: NamedTensors, normed: tf.Tensor3D, batch: FullParamBatch, trainWte: boolean, options: FullParamLossOptions): tf.Scalar {
  const [B, T, E] = normed.shape;
  const wte = params[WTE] as tf.Tensor2D;
  // A trained wte changes every step, so its transpose for the head's forward product is made here, each step.
  const wteT = trainWte ? (tf.transpose(wte) as tf.Tensor2D) : ((params[WTE_T] as tf.Tensor2D | undefined) ?? null);
  const flat = tf.reshape(normed, [B * T, E]) as tf.Tensor2D; // (B*T, E)
  return tiedHeadCrossEntropy(flat, wte, wteT, batch.targets, batch.mask, batch.normalizer, {
    labelSmoothing: options.labelSmoothing ?? 0, logitBias: options.logitBias, wteGradient: trainWte,
  });
}

/** Loss of the full model on `batch` and the gradient of every name in `trainable` (the caller disposes both). */
export function fullParamLossAndGrads(
  config: Gpt2Config, params: NamedTensors, trainable: readonly string[], batch: FullParamBatch, options: FullParamLossOptions = {},
): { loss: tf.Scalar; grads: NamedTensors } {
  assertGradientsRegistered();
  checkTrainable(params, trainable);
  const trainWte = trainable.includes(WTE);
  const ctx: ForwardContext = { config, params, lora: null, dropoutSeed: null };
  const { value, grads } = tf.valueAndGrads(() => {
    const normed = gpt2Forward(ctx, batch.ids, { output: 'normed' }); // (B, T, E)
    return headLoss(params, normed, batch, trainWte, options);
  })(trainable.map((name) => params[name]!));
  const named: NamedTensors = {};
  trainable.forEach((name, i) => (named[name] = grads[i]!));
  return { loss: value as tf.Scalar, grads: named };
}
