// Corpus BLEU-4 as the E2E scorer's pymteval computes it: clipped n-gram hits against all references of a
// segment, the closest reference length for the brevity penalty, case-insensitive, tiny floors instead of smoothing.
import { maxNgramCounts, tokenizeSegments } from './mteval-tokenize.js';

export interface ScoredSegment {
  /** The system output. */
  hyp: string;
  /** All human references of the same input (at least one). */
  refs: readonly string[];
}

const TINY = 1e-15;
const SMALL = 1e-9;

export function corpusBleu(segments: readonly ScoredSegment[], maxN = 4): number {
  const hits = new Array<number>(maxN).fill(0);
  const candLens = new Array<number>(maxN).fill(0);
  let refLen = 0;
  for (const { h, rs } of tokenizeSegments(segments)) {
    for (let i = 0; i < maxN; i++) {
      const refCounts = maxNgramCounts(rs, i + 1);
      for (const [gram, count] of maxNgramCounts([h], i + 1)) hits[i]! += Math.min(refCounts.get(gram) ?? 0, count);
      candLens[i]! += h.length - i; // may go negative for short outputs, as in the reference
    }
    // The reference closest in length; on a tie, the shorter one.
    let closest = rs[0]!;
    for (const r of rs) {
      const d = Math.abs(r.length - h.length);
      const best = Math.abs(closest.length - h.length);
      if (d < best || (d === best && r.length < closest.length)) closest = r;
    }
    refLen += closest.length;
  }
  const bp = candLens[0]! <= refLen ? Math.exp(1 - refLen / (candLens[0]! !== 0 ? candLens[0]! : 1e-5)) : 1;
  let logSum = 0;
  for (let i = 0; i < maxN; i++) logSum += Math.log(Math.max(hits[i]!, TINY) / Math.max(candLens[i]!, SMALL));
  return bp * Math.exp(logSum / maxN);
}
