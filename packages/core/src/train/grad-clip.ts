// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: on the device (clipGradsByGlobalNorm, what the
// training steps use: nothing is read back), or with the norm read to the host (globalNorm, clipScale).
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { sumTensors } from '../tensors/sum-tensors.js';

/** Squared L2 norm of all gradients together, as a scalar tensor the caller disposes. */
export function globalNormSquared(grads: NamedTensors): tf.Scalar {
  return tf.tidy(() => sumTensors(Object.values(grads).map((g) => tf.sum(tf.square(g)))) as tf.Scalar);
}

export async function globalNorm(grads: NamedTensors): Promise<number> {
  const squared = globalNormSquared(grads);
  const value = (await squared.data())[0]!;
  squared.dispose();
  return Math.sqrt(value);
}

/** The factor torch applies: min(1, maxNorm / (norm + 1e-6)). */
export function clipScale(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/**
 * Clips in place (the old tensors are disposed): every gradient times min(1, maxNorm / (‖g‖ + 1e-6)), the factor
 * computed on the device, so a step need not wait for the norm.
 */
export function clipGradsByGlobalNorm(grads: NamedTensors, maxNorm: number): void {
  const scale = tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(tf.sqrt(globalNormSquared(grads)), 1e-6))));
  for (const [name, g] of Object.entries(grads)) {
    grads[name] = tf.mul(g, scale);
    g.dispose();
  }
  scale.dispose();
}

/** Multiplies every gradient by `scale` in place of the old table (the old tensors are disposed). */
export function scaleGradsInPlace(grads: NamedTensors, scale: number): void {
  if (scale === 1) return;
  for (const [name, g] of Object.entries(grads)) {
    grads[name] = tf.mul(g, scale);
    g.dispose();
  }
}
