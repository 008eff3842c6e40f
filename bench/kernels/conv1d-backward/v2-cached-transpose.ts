// Version 2: the same y = x W + b with a custom gradient for a frozen weight: dx = dy · Wᵀ as a plain matMul with a
// transposed copy made once per weight (as transposed-head.ts does for the tied head), so no transposeB at all.
import * as tf from '@tensorflow/tfjs-core';

/** x (N, in), weight (in, out) frozen, weightT = its transpose (out, in), bias (out) → (N, out); grads w.r.t. x only. */
export function conv1dCachedTranspose(x: tf.Tensor2D, weight: tf.Tensor2D, weightT: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.add(tf.matMul(input as tf.Tensor2D, weight), bias),
    gradFunc: (dy: tf.Tensor) => tf.matMul(dy as tf.Tensor2D, weightT), // (N, out) · (out, in)
  })) as unknown as Parameters<typeof tf.customGrad<tf.Tensor2D>>[0]);
  return f(x) as tf.Tensor2D;
}
