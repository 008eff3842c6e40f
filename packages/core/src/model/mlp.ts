// The position-wise MLP of a GPT-2 block: c_fc → gelu_new → c_proj.
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './forward-context.js';
import { conv1d } from './conv1d.js';
import { geluNew } from './gelu-new.js';

export function mlp(ctx: ForwardContext, layer: number, x: tf.Tensor3D): tf.Tensor3D {
  const [B, T, E] = x.shape;
  const hidden = geluNew(conv1d(ctx, layer, 'mlp.c_fc', tf.reshape(x, [B * T, E]))) as tf.Tensor2D; // (B*T, H)
  return tf.reshape(conv1d(ctx, layer, 'mlp.c_proj', hidden), [B, T, E]); // (B, T, E)
}
