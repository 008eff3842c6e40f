// Scores an attack's guesses against the tokens the volunteer really sent: exact (top-1) and top-5 recovery rates
// over the attacked positions, plus the constant-guess baseline.
import type { Guesses, Truth } from './server-view.js';

export interface Recovery {
  positions: number;
  exact: number;
  top5: number;
  /** Positions whose true token was among the candidates searched (when the attack searched a shortlist). */
  searchedHits: number | null;
}

export function emptyRecovery(): Recovery {
  return { positions: 0, exact: 0, top5: 0, searchedHits: null };
}

/** Counts hits; every attacked position must be a real token (not padding) of the truth. */
export function scoreGuesses(guesses: Guesses, truth: Truth): Recovery {
  const out = emptyRecovery();
  const { k, topK, positions } = guesses;
  for (let i = 0; i < positions.length; i++) {
    const flat = positions[i]!;
    const row = Math.floor(flat / truth.seqLen);
    if (flat % truth.seqLen >= truth.lengths[row]!) throw new Error(`position ${flat} is padding (row ${row} has ${truth.lengths[row]} tokens)`);
    const token = truth.inputIds[flat]!;
    out.positions += 1;
    if (topK[i * k] === token) out.exact += 1;
    if (Array.from(topK.subarray(i * k, i * k + Math.min(k, 5))).includes(token)) out.top5 += 1;
    const searched = guesses.searched;
    if (searched !== undefined && Array.from(searched.ids.subarray(i * searched.k, (i + 1) * searched.k)).includes(token)) out.searchedHits = (out.searchedHits ?? 0) + 1;
  }
  if (guesses.searched !== undefined) out.searchedHits ??= 0;
  return out;
}

export interface Rates {
  positions: number;
  exact: number;
  top5: number;
  /** Share of positions whose true token was in the searched shortlist; null when the whole vocabulary was searched. */
  searchedRecall: number | null;
}

export function rates(r: Recovery): Rates {
  const n = Math.max(1, r.positions);
  return { positions: r.positions, exact: r.exact / n, top5: r.top5 / n, searchedRecall: r.searchedHits === null ? null : r.searchedHits / n };
}

/** Flat indices (b·T + t) of every real token position. */
export function realPositions(lengths: readonly number[], seqLen: number): Int32Array {
  const out: number[] = [];
  lengths.forEach((n, b) => {
    for (let t = 0; t < n; t++) out.push(b * seqLen + t);
  });
  return Int32Array.from(out);
}
