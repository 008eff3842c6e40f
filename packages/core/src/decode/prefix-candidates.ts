// Many candidate next tokens after each of S prefixes, through the first blocks, without recomputing the prefixes:
// their keys and values are computed once per block and all K candidates of a row attend to them (broadcast, not
// copied, unlike KvCache's one cache per row) plus themselves; the pass stops at a cut and returns hidden states.
// Equals gpt2Forward on (prefix + candidate) at the last position; the leakage benchmark scores candidates with it.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { conv1d } from '../model/conv1d.js';
import { type ForwardContext, param } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { layerNorm } from '../model/layer-norm.js';
import { mlp } from '../model/mlp.js';
import { blockPrefix, WPE, WTE } from '../model/param-names.js';

/** Keys and values of S prefixes of equal length P in blocks [0, blocks): one (S, P, E) pair per block. P may be 0. */
export interface PrefixCache {
  prefixes: number;
  length: number;
  blocks: number;
  keys: tf.Tensor3D[];
  values: tf.Tensor3D[];
}

function ln(ctx: ForwardContext, layer: number, which: 'ln_1' | 'ln_2', x: tf.Tensor): tf.Tensor {
  const p = blockPrefix(layer);
  return layerNorm(x, param(ctx, `${p}.${which}.weight`), param(ctx, `${p}.${which}.bias`), ctx.config.layer_norm_epsilon);
}

/** Runs the prefixes (S, P) int32 through blocks [0, blocks) and keeps each block's keys and values. Caller disposes. */
export function buildPrefixCache(ctx: ForwardContext, prefixes: tf.Tensor2D, blocks: number): PrefixCache {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > ctx.config.n_layer) fail('range', `blocks ${blocks} out of range 1..${ctx.config.n_layer}`);
  const [S, P] = prefixes.shape;
  const E = ctx.config.n_embd;
  if (P + 1 > ctx.config.n_positions) fail('range', `prefix of ${P} tokens leaves no position for a candidate (n_positions ${ctx.config.n_positions})`);
  if (P === 0) return { prefixes: S, length: 0, blocks, keys: [], values: [] };
  const keys: tf.Tensor3D[] = [];
  const values: tf.Tensor3D[] = [];
  tf.tidy(() => {
    let h: tf.Tensor3D = gpt2Forward(ctx, prefixes, { from: 0, to: 0 }); // (S, P, E): the embeddings
    for (let layer = 0; layer < blocks; layer++) {
      const qkv = conv1d(ctx, layer, 'attn.c_attn', tf.reshape(ln(ctx, layer, 'ln_1', h), [S * P, E]) as tf.Tensor2D); // (S*P, 3E)
      const [, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each (S*P, E)
      keys.push(tf.keep(tf.reshape(k, [S, P, E])));
      values.push(tf.keep(tf.reshape(v, [S, P, E])));
      if (layer + 1 < blocks) h = gpt2Forward(ctx, layer === 0 ? prefixes : h, { from: layer, to: layer + 1 }); // (S, P, E)
    }
  });
  return { prefixes: S, length: P, blocks, keys, values };
}

export function disposePrefixCache(cache: PrefixCache): void {
  tf.dispose([...cache.keys, ...cache.values]);
}

/**
 * Candidate ids (S, K) int32, row s placed at position `cache.length` after prefix s → the hidden state leaving
 * each block 0 … cache.blocks − 1 at that position: an array of (S, K, E), index b = after block b.
 */
export function candidateHiddenStates(ctx: ForwardContext, cache: PrefixCache, candidates: tf.Tensor2D): tf.Tensor3D[] {
  const E = ctx.config.n_embd;
  const nh = ctx.config.n_head;
  const hs = E / nh;
  const P = cache.length;
  const [S, K] = candidates.shape;
  if (S !== cache.prefixes) fail('range', `${S} rows of candidates for ${cache.prefixes} cached prefixes`);
  const N = S * K;
  return tf.tidy(() => {
    const position = tf.slice(param(ctx, WPE), [P, 0], [1, E]); // (1, E)
    let x = tf.add(tf.gather(param(ctx, WTE), tf.reshape(candidates, [N])), position) as tf.Tensor2D; // (N, E)
    const outputs: tf.Tensor3D[] = [];
    const heads = (t: tf.Tensor, rows: number): tf.Tensor3D =>
      tf.reshape(tf.transpose(tf.reshape(t, [S, rows, nh, hs]), [0, 2, 1, 3]), [S * nh, rows, hs]); // (S*nh, rows, hs)
    for (let layer = 0; layer < cache.blocks; layer++) {
      const qkv = conv1d(ctx, layer, 'attn.c_attn', ln(ctx, layer, 'ln_1', x) as tf.Tensor2D); // (N, 3E)
      const [q, k, v] = (tf.split(qkv, 3, 1) as tf.Tensor2D[]).map((t) => heads(t, K)); // each (S*nh, K, hs)
      const self = tf.mul(tf.sum(tf.mul(q!, k!), 2, true), 1 / Math.sqrt(hs)); // (S*nh, K, 1)
      let context: tf.Tensor3D;
      if (P === 0) {
        context = v!; // the softmax over the candidate alone is 1
      } else {
        const kp = heads(cache.keys[layer]!, P); // (S*nh, P, hs)
        const vp = heads(cache.values[layer]!, P); // (S*nh, P, hs)
        const scores = tf.concat([tf.mul(tf.matMul(q!, kp, false, true), 1 / Math.sqrt(hs)), self], 2); // (S*nh, K, P+1)
        const weights = tf.softmax(scores) as tf.Tensor3D; // (S*nh, K, P+1)
        const onPrefix = tf.matMul(tf.slice(weights, [0, 0, 0], [S * nh, K, P]), vp); // (S*nh, K, hs)
        const onSelf = tf.mul(tf.slice(weights, [0, 0, P], [S * nh, K, 1]), v!); // (S*nh, K, hs)
        context = tf.add(onPrefix, onSelf) as tf.Tensor3D;
      }
      const merged = tf.reshape(tf.transpose(tf.reshape(context, [S, nh, K, hs]), [0, 2, 1, 3]), [N, E]) as tf.Tensor2D; // (N, E)
      x = tf.add(x, conv1d(ctx, layer, 'attn.c_proj', merged)) as tf.Tensor2D;
      const normed = tf.reshape(ln(ctx, layer, 'ln_2', x), [N, 1, E]) as tf.Tensor3D; // (N, 1, E)
      x = tf.add(x, tf.reshape(mlp(ctx, layer, normed), [N, E])) as tf.Tensor2D;
      outputs.push(tf.reshape(x, [S, K, E]) as tf.Tensor3D);
    }
    return outputs;
  });
}
