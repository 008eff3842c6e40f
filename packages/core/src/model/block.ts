// One pre-norm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)).
import * as tf from '@tensorflow/tfjs-core';
import { attention } from './attention.js';
import { type ForwardContext, param } from './forward-context.js';
import { layerNorm } from './layer-norm.js';
import { mlp } from './mlp.js';
import { blockPrefix } from './param-names.js';

export function block(ctx: ForwardContext, layer: number, x: tf.Tensor3D): tf.Tensor3D {
  const p = blockPrefix(layer);
  const eps = ctx.config.layer_norm_epsilon;
  const ln1 = layerNorm(x, param(ctx, `${p}.ln_1.weight`), param(ctx, `${p}.ln_1.bias`), eps) as tf.Tensor3D;
  const afterAttn = tf.add(x, attention(ctx, layer, ln1)) as tf.Tensor3D;
  const ln2 = layerNorm(afterAttn, param(ctx, `${p}.ln_2.weight`), param(ctx, `${p}.ln_2.bias`), eps) as tf.Tensor3D;
  return tf.add(afterAttn, mlp(ctx, layer, ln2)) as tf.Tensor3D;
}
