// One incremental forward step: new token ids (B, Tn) after `cache.length` cached positions → the logits of the
// last new position (B, V) and the cache extended by the new positions. Equals gpt2Forward on the whole sequence;
// rows may start with left padding (position ids then start after it, and it is never attended to).
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { finalNorm, lmHead } from '../model/embedding.js';
import { type ForwardContext, param } from '../model/forward-context.js';
import { layerNorm } from '../model/layer-norm.js';
import { mlp } from '../model/mlp.js';
import { blockPrefix, WPE, WTE } from '../model/param-names.js';
import { cachedAttention } from './cached-attention.js';
import { KvCache, type LayerKv } from './kv-cache.js';

export interface CachedStep {
  /** (B, V): the next-token logits after the last new position. */
  logits: tf.Tensor2D;
  /** The old cache's positions plus the new ones (a new object; the caller disposes the old cache). */
  cache: KvCache;
}

/** Position ids (B, Tn) and the additive attention mask (B, 1, Tn, past + Tn) of the new tokens. */
function positionsAndMask(B: number, Tn: number, past: number, padding: readonly number[]): { positions: tf.Tensor2D; mask: tf.Tensor4D } {
  const T = past + Tn;
  const positions = new Int32Array(B * Tn);
  const mask = new Float32Array(B * Tn * T);
  for (let b = 0; b < B; b++) {
    const pad = padding[b]!;
    for (let i = 0; i < Tn; i++) {
      positions[b * Tn + i] = Math.max(0, past + i - pad);
      for (let j = 0; j < T; j++) if (j < pad || j > past + i) mask[(b * Tn + i) * T + j] = -1e9;
    }
  }
  return { positions: tf.tensor2d(positions, [B, Tn], 'int32'), mask: tf.tensor4d(mask, [B, 1, Tn, T]) };
}

/**
 * `padding` (first step only; later steps take it from the cache): per row, how many leading ids are padding.
 */
export function cachedForward(ctx: ForwardContext, ids: tf.Tensor2D, cache: KvCache | null, padding?: readonly number[]): CachedStep {
  const [B, Tn] = ids.shape;
  const past = cache?.length ?? 0;
  const pads = cache?.padding ?? padding ?? new Array<number>(B).fill(0);
  if (pads.length !== B) fail('range', `padding has ${pads.length} rows, input has ${B}`);
  const { n_positions: maxPositions, n_embd: E, n_layer: L, vocab_size: V, layer_norm_epsilon: eps } = ctx.config;
  if (past + Tn > maxPositions) fail('range', `sequence length ${past + Tn} exceeds n_positions ${maxPositions}`);
  if (cache !== null && cache.layers[0]!.k.shape[0] !== B) fail('range', `cache holds ${cache.layers[0]!.k.shape[0]} rows, input has ${B}`);
  const out = tf.tidy(() => {
    const { positions, mask } = positionsAndMask(B, Tn, past, pads);
    let h = tf.add(tf.gather(param(ctx, WTE), ids), tf.gather(param(ctx, WPE), positions)) as tf.Tensor3D; // (B, Tn, E)
    const kvs: LayerKv[] = [];
    for (let layer = 0; layer < L; layer++) {
      const p = blockPrefix(layer);
      const ln1 = layerNorm(h, param(ctx, `${p}.ln_1.weight`), param(ctx, `${p}.ln_1.bias`), eps) as tf.Tensor3D;
      const { out: attn, kv } = cachedAttention(ctx, layer, ln1, cache?.layers[layer] ?? null, mask);
      kvs.push(kv);
      const afterAttn = tf.add(h, attn) as tf.Tensor3D;
      const ln2 = layerNorm(afterAttn, param(ctx, `${p}.ln_2.weight`), param(ctx, `${p}.ln_2.bias`), eps) as tf.Tensor3D;
      h = tf.add(afterAttn, mlp(ctx, layer, ln2)) as tf.Tensor3D;
    }
    const last = tf.slice(h, [0, Tn - 1, 0], [B, 1, E]) as tf.Tensor3D; // (B, 1, E)
    const logits = tf.reshape(lmHead(ctx, finalNorm(ctx, last)), [B, V]) as tf.Tensor2D; // (B, V)
    return [logits, ...kvs.flatMap(({ k, v }) => [k, v])];
  });
  const [logits, ...kv] = out;
  const layers: LayerKv[] = [];
  for (let layer = 0; layer < L; layer++) layers.push({ k: kv[2 * layer] as tf.Tensor4D, v: kv[2 * layer + 1] as tf.Tensor4D });
  return { logits: logits as tf.Tensor2D, cache: new KvCache(layers, past + Tn, pads) };
}
