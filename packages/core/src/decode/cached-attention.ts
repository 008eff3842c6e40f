// Causal self-attention for incremental decoding: the new tokens' queries attend to the cached keys/values plus
// their own (under an additive mask for causality and left padding); returns the output and the extended
// keys/values. Same math as model/attention.ts.
import * as tf from '@tensorflow/tfjs-core';
import { conv1d } from '../model/conv1d.js';
import type { ForwardContext } from '../model/forward-context.js';
import type { LayerKv } from './kv-cache.js';

/** `mask`: additive (B, 1, Tn, past + Tn), 0 where a query may attend, -1e9 elsewhere. */
export function cachedAttention(ctx: ForwardContext, layer: number, x: tf.Tensor3D, past: LayerKv | null, mask: tf.Tensor4D): { out: tf.Tensor3D; kv: LayerKv } {
  const [B, Tn, E] = x.shape;
  const nh = ctx.config.n_head;
  const hs = E / nh;
  const qkv = conv1d(ctx, layer, 'attn.c_attn', tf.reshape(x, [B * Tn, E])); // (B*Tn, 3E)
  const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each (B*Tn, E)
  const toHeads = (t: tf.Tensor2D): tf.Tensor4D => tf.transpose(tf.reshape(t, [B, Tn, nh, hs]), [0, 2, 1, 3]); // (B, nh, Tn, hs)
  const kAll = past === null ? toHeads(k) : (tf.concat([past.k, toHeads(k)], 2) as tf.Tensor4D); // (B, nh, T, hs)
  const vAll = past === null ? toHeads(v) : (tf.concat([past.v, toHeads(v)], 2) as tf.Tensor4D); // (B, nh, T, hs)
  const T = kAll.shape[2];
  const q3 = tf.reshape(toHeads(q), [B * nh, Tn, hs]); // (B*nh, Tn, hs)
  const scores = tf.mul(tf.matMul(q3, tf.reshape(kAll, [B * nh, T, hs]), false, true), 1 / Math.sqrt(hs)); // (B*nh, Tn, T)
  const masked = tf.reshape(tf.add(tf.reshape(scores, [B, nh, Tn, T]), mask), [B * nh, Tn, T]); // (B*nh, Tn, T)
  const weights = tf.softmax(masked); // (B*nh, Tn, T)
  const context = tf.matMul(weights as tf.Tensor3D, tf.reshape(vAll, [B * nh, T, hs])); // (B*nh, Tn, hs)
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [B, nh, Tn, hs]), [0, 2, 1, 3]), [B * Tn, E]); // (B*Tn, E)
  const out = tf.reshape(conv1d(ctx, layer, 'attn.c_proj', merged as tf.Tensor2D), [B, Tn, E]) as tf.Tensor3D; // (B, Tn, E)
  return { out, kv: { k: kAll, v: vAll } };
}
