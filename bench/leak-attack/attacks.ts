// The token attacks of one cut, built from what the server prepared for that cut: the context-free vocabulary
// table (nearest neighbour, and the shortlist of the greedy decoder), its copy of the frozen client blocks, and the
// inversion model trained on public text. A new attack is one more entry here.
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '@splitlora/core';
import { greedyDecode, greedyPositions } from './greedy-decode.js';
import type { InversionModel } from './inversion-model.js';
import type { NearestTable } from './nearest-neighbour.js';
import { realPositions } from './recovery.js';
import type { Guesses, ServerView, TokenAttack } from './server-view.js';

export const ATTACK_NAMES = ['nearest', 'greedy', 'inversion'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export const ATTACK_LABELS: Record<AttackName, string> = {
  nearest: 'nearest neighbour (context-free table)',
  greedy: 'greedy prefix-conditioned nearest neighbour',
  inversion: 'learned inversion (MLP on public text)',
};

/** Guesses kept per position (top-5 is reported). */
const K = 5;

export interface CutKit {
  cut: number;
  ctx: ForwardContext;
  table: NearestTable;
  inversion: InversionModel | null;
}

export interface GreedySettings {
  /** Rows of the volunteer's batch decoded by the greedy attack (it is the slow one). */
  rows: number;
  /**
   * Candidates per position: the best guesses of the table's nearest neighbours and of the inversion model, taken
   * in turn without repeats; 0 = the whole vocabulary.
   */
  shortlist: number;
  maxCandidates: number;
}

/** Interleaves ranked lists (each (n, k) row-major) into (n, width) without repeats: a, b, a, b, … */
export function interleaveShortlists(lists: readonly Int32Array[], k: number, width: number): Int32Array {
  const n = lists[0]!.length / k;
  const out = new Int32Array(n * width);
  for (let i = 0; i < n; i++) {
    const picked = new Set<number>();
    for (let j = 0; j < k && picked.size < width; j++) for (const list of lists) if (picked.size < width) picked.add(list[i * k + j]!);
    if (picked.size < width) throw new Error(`only ${picked.size} distinct candidates for a shortlist of ${width}`);
    out.set([...picked], i * width);
  }
  return out;
}

/** The activations at the given flat positions as an (n, E) tensor (caller disposes). */
function activationsAt(view: ServerView, positions: Int32Array): tf.Tensor2D {
  const E = view.activations.shape[2];
  const out = new Float32Array(positions.length * E);
  positions.forEach((p, i) => out.set(view.activations.values.subarray(p * E, (p + 1) * E), i * E));
  return tf.tensor2d(out, [positions.length, E]);
}

async function allPositions(view: ServerView, rank: (queries: tf.Tensor2D) => Promise<Int32Array>): Promise<Guesses> {
  const positions = realPositions(view.lengths, view.activations.shape[1]);
  const queries = activationsAt(view, positions);
  try {
    return { positions, k: K, topK: await rank(queries) };
  } finally {
    queries.dispose();
  }
}

export function tokenAttacks(kit: CutKit, names: readonly AttackName[], greedy: GreedySettings): TokenAttack[] {
  const build: Record<AttackName, () => TokenAttack | null> = {
    nearest: () => ({ name: 'nearest', attack: (view) => allPositions(view, (q) => kit.table.nearest(q, K)) }),
    inversion: () => (kit.inversion === null ? null : { name: 'inversion', attack: (view) => allPositions(view, (q) => kit.inversion!.topK(q, K)) }),
    greedy: () => ({
      name: 'greedy',
      attack: async (view) => {
        const rows = Array.from({ length: Math.min(greedy.rows, view.lengths.length) }, (_, b) => b);
        let shortlists: { k: number; ids: Int32Array } | null = null;
        if (greedy.shortlist > 0) {
          const queries = activationsAt(view, greedyPositions(view, rows));
          const ranked = [await kit.table.nearest(queries, greedy.shortlist)];
          if (kit.inversion !== null) ranked.push(await kit.inversion.topK(queries, greedy.shortlist));
          shortlists = { k: greedy.shortlist, ids: interleaveShortlists(ranked, greedy.shortlist, greedy.shortlist) };
          queries.dispose();
        }
        const guesses = await greedyDecode(kit.ctx, view, { rows, shortlists, maxCandidates: greedy.maxCandidates, k: K });
        return shortlists === null ? guesses : { ...guesses, searched: shortlists };
      },
    }),
  };
  return names.map((n) => build[n]()).filter((a): a is TokenAttack => a !== null);
}
