// Corpus NIST-5 as the E2E scorer's pymteval computes it: n-gram information weights from the counts over all
// references of the corpus, clipped hits per segment, and NIST's length penalty against the average reference length.
import type { ScoredSegment } from './bleu.js';
import { lowerNgrams, maxNgramCounts, tokenizeSegments } from './mteval-tokenize.js';

const BETA = -Math.log(0.5) / Math.log(1.5) ** 2;

export function corpusNist(segments: readonly ScoredSegment[], maxN = 5): number {
  // refNgrams[n]: corpus counts of reference n-grams; refNgrams[0] holds the total reference length under ''.
  const refNgrams = Array.from({ length: maxN + 1 }, () => new Map<string, number>());
  const hitNgrams: Map<string, number>[][] = Array.from({ length: maxN }, () => []);
  const candLens = new Array<number>(maxN).fill(0);
  let avgRefLen = 0;
  for (const { h, rs } of tokenizeSegments(segments)) {
    for (let n = 0; n < maxN; n++) {
      candLens[n]! += h.length - n;
      const refCounts = maxNgramCounts(rs, n + 1);
      const hits = new Map<string, number>();
      for (const [gram, count] of maxNgramCounts([h], n + 1)) {
        const hit = Math.min(count, refCounts.get(gram) ?? 0);
        if (hit > 0) hits.set(gram, hit);
      }
      hitNgrams[n]!.push(hits);
      for (const r of rs) for (const gram of lowerNgrams(r, n + 1)) refNgrams[n + 1]!.set(gram, (refNgrams[n + 1]!.get(gram) ?? 0) + 1);
    }
    const refLenSum = rs.reduce((sum, r) => sum + r.length, 0);
    refNgrams[0]!.set('', (refNgrams[0]!.get('') ?? 0) + refLenSum);
    avgRefLen += refLenSum / rs.length;
  }
  const info = (gram: string, n: number): number => {
    const count = refNgrams[n]!.get(gram);
    if (count === undefined) return 0;
    const prefix = n === 1 ? '' : gram.slice(0, gram.lastIndexOf('\u0001'));
    return Math.log2(refNgrams[n - 1]!.get(prefix)! / count);
  };
  let sum = 0;
  for (let n = 0; n < maxN; n++) {
    let hitInfo = 0;
    for (const hits of hitNgrams[n]!) for (const [gram, count] of hits) hitInfo += info(gram, n + 1) * count;
    sum += hitInfo / candLens[n]!;
  }
  return lengthPenalty(candLens[0]!, avgRefLen) * sum;
}

function lengthPenalty(sysLen: number, avgRefLen: number): number {
  const ratio = sysLen / avgRefLen;
  if (ratio >= 1) return 1;
  if (ratio <= 0) return 0;
  return Math.exp(-BETA * Math.log(ratio) ** 2);
}
