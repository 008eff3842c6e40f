// Version 1 (what packages/core does today): y = x W + b with tfjs autograd, whose gradient w.r.t. x is
// matMul(dy, W, transposeB = true) — the slow path of the wasm backend.
import * as tf from '@tensorflow/tfjs-core';

export function conv1dAutograd(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight), bias);
}
