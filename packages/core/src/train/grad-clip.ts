// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_ (norm read with an async data()).
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from '../tensors/named-tensors.js';

/** Squared L2 norm of all gradients together, as a scalar tensor the caller disposes. */
export function globalNormSquared(grads: NamedTensors): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const g of Object.values(grads)) total = tf.add(total, tf.sum(tf.square(g)));
    return total;
  });
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

/** Multiplies every gradient by `scale` in place of the old table (the old tensors are disposed). */
export function scaleGradsInPlace(grads: NamedTensors, scale: number): void {
  if (scale === 1) return;
  for (const [name, g] of Object.entries(grads)) {
    grads[name] = tf.mul(g, scale);
    g.dispose();
  }
}
