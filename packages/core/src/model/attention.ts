// Causal multi-head self-attention of a GPT-2 block (c_attn → heads → softmax(QKᵀ/√hs) V → c_proj).
// On WebGPU the middle part runs as one flash-attention style kernel (FUSED_ATTENTION); the ops are the reference.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ATTENTION, fusedCausalAttention } from '../kernels/causal-attention-webgpu.js';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import type { ForwardContext } from './forward-context.js';
import { conv1d } from './conv1d.js';

/** Additive causal mask (T, T): 0 on and below the diagonal, -1e9 above (exp underflows to exactly 0). */
function causalMask(T: number): tf.Tensor2D {
  const values = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) values[i * T + j] = -1e9;
  return tf.tensor2d(values, [T, T]);
}

/** qkv (B*T, 3E) → the heads' softmax(QKᵀ/√hs + mask)·V merged back to (B*T, E), by tfjs ops. */
export function causalAttentionOps(qkv: tf.Tensor2D, B: number, T: number, nh: number): tf.Tensor2D {
  const E = qkv.shape[1] / 3;
  const hs = E / nh;
  const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each (B*T, E)
  const toHeads = (t: tf.Tensor2D): tf.Tensor3D =>
    tf.reshape(tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]), [B * nh, T, hs]); // (B*nh, T, hs)
  const scores = tf.mul(tf.matMul(toHeads(q), toHeads(k), false, true), 1 / Math.sqrt(hs)); // (B*nh, T, T)
  const weights = tf.softmax(tf.add(scores, causalMask(T))); // (B*nh, T, T)
  const context = tf.matMul(weights as tf.Tensor3D, toHeads(v)); // (B*nh, T, hs)
  return tf.reshape(tf.transpose(tf.reshape(context, [B, nh, T, hs]), [0, 2, 1, 3]), [B * T, E]); // (B*T, E)
}

/** qkv (B*T, 3E) → merged heads (B*T, E): the fused kernel where FUSED_ATTENTION is active, else the ops. */
export function attentionCore(qkv: tf.Tensor2D, B: number, T: number, nh: number): tf.Tensor2D {
  if (fusedKernelActive('FUSED_ATTENTION', FUSED_ATTENTION)) return fusedCausalAttention(qkv, B, T, nh);
  return causalAttentionOps(qkv, B, T, nh);
}

export function attention(ctx: ForwardContext, layer: number, x: tf.Tensor3D): tf.Tensor3D {
  const [B, T, E] = x.shape;
  const qkv = conv1d(ctx, layer, 'attn.c_attn', tf.reshape(x, [B * T, E])); // (B*T, 3E)
  const merged = attentionCore(qkv, B, T, ctx.config.n_head); // (B*T, E)
  return tf.reshape(conv1d(ctx, layer, 'attn.c_proj', merged), [B, T, E]); // (B, T, E)
}
