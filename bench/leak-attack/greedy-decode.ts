// The prefix-conditioned nearest-neighbour attack: the activation at position t depends on tokens 0…t, so decode
// left to right — for each position, run every candidate token after the prefix recovered so far through the
// attacker's frozen client blocks (one key/value cache per prefix) and keep the candidate whose activation is
// closest to the received one. Rows are decoded together; candidates come in chunks.
import * as tf from '@tensorflow/tfjs-core';
import { buildPrefixCache, candidateHiddenStates, disposePrefixCache, type ForwardContext } from '@splitlora/core';
import type { Guesses, ServerView } from './server-view.js';

export interface GreedyOptions {
  /** Which rows of the view to decode. */
  rows: readonly number[];
  /**
   * Candidates per attacked position, (positions, K) row-major in the order of the returned positions (row by
   * row, t ascending) — e.g. the K nearest tokens of the context-free table; null tries the whole vocabulary.
   */
  shortlists: { k: number; ids: Int32Array } | null;
  /** Candidate rows per forward call (memory bound). */
  maxCandidates: number;
  /** Guesses kept per position. */
  k: number;
}

/** Flat positions (b·T + t) of the rows to decode, row by row: the order of shortlists and of the result. */
export function greedyPositions(view: ServerView, rows: readonly number[]): Int32Array {
  const T = view.activations.shape[1];
  return Int32Array.from(rows.flatMap((b) => Array.from({ length: view.lengths[b]! }, (_, t) => b * T + t)));
}

type Ranked = { distance: number; token: number }[];

export async function greedyDecode(ctx: ForwardContext, view: ServerView, options: GreedyOptions): Promise<Guesses> {
  const [, T, E] = view.activations.shape;
  const V = ctx.config.vocab_size;
  const { rows, shortlists, k } = options;
  const positions = greedyPositions(view, rows);
  const indexOf = new Map(Array.from(positions, (p, i) => [p, i]));
  const recovered = new Map(rows.map((b) => [b, [] as number[]]));
  const topK = new Int32Array(positions.length * k).fill(-1);
  const K = shortlists?.k ?? V;
  const group = Math.max(1, Math.min(rows.length, Math.floor(options.maxCandidates / Math.min(K, options.maxCandidates))));
  const columns = Math.max(1, Math.floor(options.maxCandidates / group));
  const longest = Math.max(0, ...rows.map((b) => view.lengths[b]!));
  for (let t = 0; t < longest; t++) {
    const active = rows.filter((b) => view.lengths[b]! > t);
    for (let g = 0; g < active.length; g += group) {
      const members = active.slice(g, g + group);
      const S = members.length;
      const slots = members.map((b) => indexOf.get(b * T + t)!);
      const prefixes = tf.tensor2d(members.flatMap((b) => recovered.get(b)!), [S, t], 'int32');
      const cache = buildPrefixCache(ctx, prefixes, view.cut);
      const received = tf.tensor3d(Float32Array.from(members.flatMap((b) => Array.from(view.activations.values.subarray((b * T + t) * E, (b * T + t + 1) * E)))), [S, 1, E]);
      const ranked: Ranked[] = members.map(() => []);
      for (let c0 = 0; c0 < K; c0 += columns) {
        const width = Math.min(columns, K - c0);
        const ids = new Int32Array(S * width);
        slots.forEach((slot, s) => {
          for (let j = 0; j < width; j++) ids[s * width + j] = shortlists === null ? c0 + j : shortlists.ids[slot * K + c0 + j]!;
        });
        const candidates = tf.tensor2d(ids, [S, width], 'int32');
        const states = candidateHiddenStates(ctx, cache, candidates);
        const best = tf.tidy(() => tf.topk(tf.neg(tf.sum(tf.squaredDifference(states[view.cut - 1]!, received), 2)), Math.min(k, width))); // (S, k')
        const [negDistances, columnsOf] = await Promise.all([best.values.data(), best.indices.data()]);
        const kk = best.indices.shape[1]!;
        tf.dispose([candidates, ...states, best.values, best.indices]);
        members.forEach((_, s) => {
          for (let j = 0; j < kk; j++) ranked[s]!.push({ distance: -negDistances[s * kk + j]!, token: ids[s * width + columnsOf[s * kk + j]!]! });
        });
      }
      tf.dispose([prefixes, received]);
      disposePrefixCache(cache);
      members.forEach((b, s) => {
        const order = ranked[s]!.sort((x, y) => x.distance - y.distance).slice(0, k);
        order.forEach((r, j) => (topK[slots[s]! * k + j] = r.token));
        recovered.get(b)!.push(order[0]!.token);
      });
    }
  }
  return { positions, k, topK };
}
