// Next-token logits for a set of running sequences, with a key/value cache (one new token per step; prompts of
// different lengths left-padded together) or without (each sequence recomputed whole every step: the reference the
// cached path is tested against).
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../model/forward-context.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { cachedForward } from './cached-forward.js';
import type { KvCache } from './kv-cache.js';

export interface NextTokenLogits {
  /**
   * Logits (B, V) after each sequence, a tensor the caller disposes. `parents[i]` is the row of the previous call
   * that sequence i extends by one token; null on the first call, where every sequence is a whole prompt.
   */
  next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): tf.Tensor2D;
  dispose(): void;
}

const isIdentity = (rows: readonly number[], count: number): boolean => rows.length === count && rows.every((r, i) => r === i);

export class CachedLogits implements NextTokenLogits {
  private cache: KvCache | null = null;

  constructor(private readonly ctx: ForwardContext) {}

  next(sequences: readonly (readonly number[])[], parents: readonly number[] | null): tf.Tensor2D {
    if (parents === null || this.cache === null) return this.prefill(sequences);
    const selected = isIdentity(parents, this.cache.padding.length) ? this.cache : this.cache.select(parents);
    const ids = tf.tensor2d(sequences.map((s) => s[s.length - 1]!), [sequences.length, 1], 'int32');
    const step = cachedForward(this.ctx, ids, selected);
    ids.dispose();
    if (selected !== this.cache) selected.dispose();
    this.replace(step.cache);
    return step.logits;
  }

  /** Runs each distinct prompt once (left-padded to the longest), then gives every row its prompt's cache and logits. */
  private prefill(sequences: readonly (readonly number[])[]): tf.Tensor2D {
    const keys = sequences.map((s) => s.join(','));
    const distinct = [...new Set(keys)];
    const prompts = distinct.map((key) => sequences[keys.indexOf(key)]!);
    const width = Math.max(...prompts.map((p) => p.length));
    const padding = prompts.map((p) => width - p.length);
    const ids = tf.tensor2d(prompts.map((p, i) => [...new Array<number>(padding[i]!).fill(0), ...p]), [prompts.length, width], 'int32');
    const step = cachedForward(this.ctx, ids, null, padding);
    ids.dispose();
    const rows = keys.map((key) => distinct.indexOf(key));
    this.replace(step.cache.select(rows));
    step.cache.dispose();
    const logits = tf.tidy(() => tf.gather(step.logits, rows)) as tf.Tensor2D; // (B, V)
    step.logits.dispose();
    return logits;
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

  /** One forward per group of equally long sequences (no padding), rows back in their order. */
  next(sequences: readonly (readonly number[])[]): tf.Tensor2D {
    const V = this.ctx.config.vocab_size;
    return tf.tidy(() => {
      const byLength = new Map<number, number[]>();
      sequences.forEach((s, row) => byLength.set(s.length, [...(byLength.get(s.length) ?? []), row]));
      const parts: tf.Tensor2D[] = [];
      const order: number[] = [];
      for (const [T, rows] of byLength) {
        const ids = tf.tensor2d(rows.map((r) => [...sequences[r]!]), [rows.length, T], 'int32');
        const all = gpt2Forward(this.ctx, ids); // (b, T, V)
        parts.push(tf.reshape(tf.slice(all, [0, T - 1, 0], [rows.length, 1, V]), [rows.length, V]) as tf.Tensor2D); // (b, V)
        order.push(...rows);
      }
      const stacked = tf.concat(parts, 0); // rows grouped by length
      const back = new Array<number>(order.length);
      order.forEach((row, at) => (back[row] = at));
      return tf.gather(stacked, back) as tf.Tensor2D; // (B, V) in the callers' order
    });
  }

  dispose(): void {}
}
