// GPT-2's activation: the tanh approximation of GELU ("gelu_new" in Hugging Face). On WebGPU it runs as one
// fused kernel (FUSED_GELU); the ops below are the reference and the fallback.
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import { FUSED_GELU, fusedGeluNew } from '../kernels/gelu-new-webgpu.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function geluNew(x: tf.Tensor): tf.Tensor {
  if (fusedKernelActive('FUSED_GELU', FUSED_GELU)) return fusedGeluNew(x);
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}
