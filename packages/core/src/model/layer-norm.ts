// Layer normalisation over the last axis, as torch.nn.LayerNorm (biased variance, epsilon inside the root).
import * as tf from '@tensorflow/tfjs-core';

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor {
  const mean = tf.mean(x, -1, true); // (..., 1)
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true); // (..., 1)
  const normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normalized, weight), bias);
}
