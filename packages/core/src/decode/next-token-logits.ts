// Next-token logits for a set of running sequences, with a key/value cache (one new token per step) or without
// (the whole sequence each step, the reference the cached path is tested against).
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { cachedForward } from './cached-forward.js';
import type { KvCache } from './kv-cache.js';

export interface NextTokenLogits {
  /**
   * Logits (B, V) after each sequence, a tensor the caller disposes. `parents[i]` is the row of the previous call
   * that sequence i extends by its last token (null on the first call, where every sequence is the prompt).
   */
  next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): tf.Tensor2D;
  dispose(): void;
}

const isIdentity = (rows: readonly number[]): boolean => rows.every((r, i) => r === i);

export class CachedLogits implements NextTokenLogits {
  private cache: KvCache | null = null;

  constructor(private readonly ctx: ForwardContext) {}

  next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): tf.Tensor2D {
    if (parents === null || this.cache === null) {
      // Prefill once with the prompt, then give every row the prompt's cache and logits.
      const prompt = sequences[0]!;
      const ids = tf.tensor2d([prompt as number[]], [1, prompt.length], 'int32');
      const step = cachedForward(this.ctx, ids, null);
      ids.dispose();
      const rows = sequences.map(() => 0);
      this.replace(step.cache.select(rows));
      step.cache.dispose();
      const logits = tf.tidy(() => tf.gather(step.logits, rows)) as tf.Tensor2D; // (B, V)
      step.logits.dispose();
      return logits;
    }
    const selected = isIdentity(parents) ? this.cache : this.cache.select(parents);
    const ids = tf.tensor2d(sequences.map((s) => s[s.length - 1]!), [sequences.length, 1], 'int32');
    const step = cachedForward(this.ctx, ids, selected);
    ids.dispose();
    if (selected !== this.cache) selected.dispose();
    this.replace(step.cache);
    return step.logits;
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

  next(sequences: readonly (readonly number[])[]): tf.Tensor2D {
    const T = sequences[0]!.length;
    const V = this.ctx.config.vocab_size;
    return tf.tidy(() => {
      const ids = tf.tensor2d(sequences.map((s) => [...s]), [sequences.length, T], 'int32');
      const all = gpt2Forward(this.ctx, ids); // (B, T, V)
      return tf.reshape(tf.slice(all, [0, T - 1, 0], [sequences.length, 1, V]), [sequences.length, V]) as tf.Tensor2D; // (B, V)
    });
  }

  dispose(): void {}
}
