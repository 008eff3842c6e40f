// Layer normalisation over the last axis, as torch.nn.LayerNorm (biased variance, epsilon inside the root).
// On WebGPU it runs as one fused kernel (FUSED_LAYER_NORM); the ops below are the reference and the fallback.
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import { FUSED_LAYER_NORM, fusedLayerNorm } from '../kernels/layer-norm-webgpu.js';

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor {
  if (fusedKernelActive('FUSED_LAYER_NORM', FUSED_LAYER_NORM)) return fusedLayerNorm(x, weight, bias, epsilon);
  const mean = tf.mean(x, -1, true); // (..., 1)
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true); // (..., 1)
  const normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normalized, weight), bias);
}
