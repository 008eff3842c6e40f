// The sum of several same-shaped tensors: one addN, or a chain of pairwise adds where the PAIRWISE_ADDS flag says
// addN is wrong (tfjs-backend-webgpu with 8 or more inputs).
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag } from '../backend/backend-flags.js';

export function sumTensors<T extends tf.Tensor>(terms: readonly T[]): T {
  if (terms.length === 0) throw new Error('sumTensors needs at least one tensor');
  if (terms.length === 1) return tf.clone(terms[0]!) as T;
  if (!backendFlag('PAIRWISE_ADDS')) return tf.addN(terms as T[]) as T;
  return tf.tidy(() => {
    let sum = tf.add(terms[0]!, terms[1]!);
    for (const term of terms.slice(2)) sum = tf.add(sum, term);
    return sum as T;
  });
}
