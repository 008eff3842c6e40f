// CIDEr-D as the MS-COCO caption scorer's `Cider` class computes it (the variant the E2E scorer reports): TF-IDF
// vectors of 1..4-grams with document frequencies from the references of the whole corpus, clipped cosine
// similarity, a Gaussian length penalty (sigma 6), the mean over references, times 10.
import { mean, type TokenizedSegment } from './rouge-l.js';

const N = 4;
const SIGMA = 6;

type Counts = Map<string, number>;

function ngramCounts(sentence: string): Counts {
  const words = sentence.split(/\s+/).filter((w) => w !== '');
  const counts: Counts = new Map();
  for (let k = 1; k <= N; k++) {
    for (let i = 0; i + k <= words.length; i++) {
      const gram = words.slice(i, i + k).join(' ');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

interface TfIdf {
  vec: Map<string, number>[];
  norm: number[];
  /** The reference's quirk, kept for equality: the number of bigrams, not of words. */
  length: number;
}

export function corpusCider(segments: readonly TokenizedSegment[]): { score: number; segments: number[] } {
  const refCounts = segments.map((s) => s.refs.map(ngramCounts));
  const docFreq = new Map<string, number>();
  for (const refs of refCounts) {
    const seen = new Set<string>();
    for (const counts of refs) for (const gram of counts.keys()) seen.add(gram);
    for (const gram of seen) docFreq.set(gram, (docFreq.get(gram) ?? 0) + 1);
  }
  const logRefs = Math.log(segments.length);
  const toVec = (counts: Counts): TfIdf => {
    const vec = Array.from({ length: N }, () => new Map<string, number>());
    const norm = new Array<number>(N).fill(0);
    let length = 0;
    for (const [gram, tf] of counts) {
      const n = gram.split(' ').length - 1;
      const weight = tf * (logRefs - Math.log(Math.max(1, docFreq.get(gram) ?? 0)));
      vec[n]!.set(gram, weight);
      norm[n]! += weight * weight;
      if (n === 1) length += tf;
    }
    return { vec, norm: norm.map(Math.sqrt), length };
  };
  const scores = segments.map((segment, i) => {
    const hyp = toVec(ngramCounts(segment.hyp));
    const sum = new Array<number>(N).fill(0);
    for (const refCount of refCounts[i]!) {
      const ref = toVec(refCount);
      const delta = hyp.length - ref.length;
      for (let n = 0; n < N; n++) {
        let val = 0;
        for (const [gram, weight] of hyp.vec[n]!) {
          const r = ref.vec[n]!.get(gram) ?? 0;
          val += Math.min(weight, r) * r;
        }
        if (hyp.norm[n] !== 0 && ref.norm[n] !== 0) val /= hyp.norm[n]! * ref.norm[n]!;
        sum[n]! += val * Math.exp(-(delta ** 2) / (2 * SIGMA ** 2));
      }
    }
    return (mean(sum) / refCounts[i]!.length) * 10;
  });
  return { score: mean(scores), segments: scores };
}
