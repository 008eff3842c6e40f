// ROUGE-L as the MS-COCO caption scorer computes it (the E2E scorer's copy): on tokenized, lowercased text, the
// longest common subsequence against each reference, the best precision and the best recall, F with beta = 1.2,
// averaged over segments.

export interface TokenizedSegment {
  /** The tokenized system output (tokens joined by single spaces). */
  hyp: string;
  /** The tokenized references. */
  refs: readonly string[];
}

const BETA = 1.2;

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    prev = row;
  }
  return prev[b.length]!;
}

export function rougeLSegment(hyp: string, refs: readonly string[]): number {
  const candidate = hyp.split(' '); // '' splits into one empty token, as in the reference
  let precision = 0;
  let recall = 0;
  for (const ref of refs) {
    const tokens = ref.split(' ');
    const lcs = lcsLength(tokens, candidate);
    precision = Math.max(precision, lcs / candidate.length);
    recall = Math.max(recall, lcs / tokens.length);
  }
  if (precision === 0 || recall === 0) return 0;
  return ((1 + BETA ** 2) * precision * recall) / (recall + BETA ** 2 * precision);
}

export function corpusRougeL(segments: readonly TokenizedSegment[]): { score: number; segments: number[] } {
  const scores = segments.map((s) => rougeLSegment(s.hyp, s.refs));
  return { score: mean(scores), segments: scores };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
