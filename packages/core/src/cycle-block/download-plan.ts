// FedCyBGD's download compression: a volunteer receives only the blocks it lacks (held version below the latest) —
// all of them, or a fraction (`random` as in the paper, or the `stalest` first) — and always the block it will train.
import type { Rng } from '../data/rng.js';
import { shuffled } from '../data/rng.js';

export interface DownloadPlanOptions {
  /** The share of the lacking blocks sent (the trained block comes on top); 1 sends all. */
  fraction: number;
  pick: 'random' | 'stalest';
  rng: Rng;
}

/** The blocks to send, ascending: the lacking ones chosen by the options, plus `train` when it is not current. */
export function planDownloads(held: readonly number[], latest: readonly number[], train: number, options: DownloadPlanOptions): number[] {
  const lacking = latest.map((v, b) => b).filter((b) => held[b]! < latest[b]! && b !== train);
  const count = options.fraction >= 1 ? lacking.length : Math.ceil(options.fraction * lacking.length);
  const ordered = options.pick === 'random'
    ? shuffled(lacking, options.rng)
    : [...lacking].sort((a, b) => (latest[b]! - held[b]!) - (latest[a]! - held[a]!) || a - b);
  const chosen = new Set(ordered.slice(0, count));
  if (held[train]! < latest[train]!) chosen.add(train);
  return [...chosen].sort((a, b) => a - b);
}
