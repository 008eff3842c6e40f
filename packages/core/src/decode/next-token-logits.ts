// Next-token logits for a set of running sequences, with a key/value cache (one new token per step) or without
// (the whole sequence each step, the reference the cached path is tested against).
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { cachedForward } from './cached-forward.js';
import type { KvCache } from './kv-cache.js';

export interface NextTokenLogits {
  /**
   * Logits (one Float32Array of V per row) after each sequence. `parents[i]` is the row of the previous call that
   * sequence i extends by its last token (null on the first call, where every sequence is the prompt).
   */
  next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): Promise<Float32Array[]>;
  dispose(): void;
}

async function rowsOf(logits: tf.Tensor2D): Promise<Float32Array[]> {
  const [B, V] = logits.shape;
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return Array.from({ length: B }, (_, i) => data.subarray(i * V, (i + 1) * V));
}

export class CachedLogits implements NextTokenLogits {
  private cache: KvCache | null = null;

  constructor(private readonly ctx: ForwardContext) {}

  async next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): Promise<Float32Array[]> {
    if (parents === null || this.cache === null) {
      // Prefill once with the prompt, then give every row the prompt's cache.
      const prompt = sequences[0]!;
      const ids = tf.tensor2d([prompt as number[]], [1, prompt.length], 'int32');
      const step = cachedForward(this.ctx, ids, null);
      ids.dispose();
      this.replace(step.cache.select(sequences.map(() => 0)));
      step.cache.dispose();
      const row = (await rowsOf(step.logits))[0]!;
      return sequences.map(() => row);
    }
    const selected = this.cache.select(parents);
    const ids = tf.tensor2d(sequences.map((s) => s[s.length - 1]!), [sequences.length, 1], 'int32');
    const step = cachedForward(this.ctx, ids, selected);
    ids.dispose();
    selected.dispose();
    this.replace(step.cache);
    return rowsOf(step.logits);
  }

  private replace(cache: KvCache): void {
    this.cache?.dispose();
    this.cache = cache;
  }

  dispose(): void {
    this.cache?.dispose();
    this.cache = null;
  }
}

export class FullRecomputeLogits implements NextTokenLogits {
  constructor(private readonly ctx: ForwardContext) {}

  async next(sequences: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const T = sequences[0]!.length;
    const V = this.ctx.config.vocab_size;
    const logits = tf.tidy(() => {
      const ids = tf.tensor2d(sequences.map((s) => [...s]), [sequences.length, T], 'int32');
      const all = gpt2Forward(this.ctx, ids); // (B, T, V)
      return tf.reshape(tf.slice(all, [0, T - 1, 0], [sequences.length, 1, V]), [sequences.length, V]) as tf.Tensor2D; // (B, V)
    });
    return rowsOf(logits);
  }

  dispose(): void {}
}
