// METEOR 1.5 (English, `-norm`, task "default" parameters) restricted to the exact and stem modules, as
// MS-COCO's scorer drives the jar: per segment the statistics of the best-scoring reference, corpus score from
// the summed statistics. Without WordNet synonyms and the paraphrase table this is "METEOR (exact+stem)".
import { align } from './aligner.js';
import { javaTokens, normalizeEnglish } from './normalizer.js';
import { ENGLISH_FUNCTION_WORDS } from './resources.js';
import { stemEnglish } from './snowball-english.js';

/** alpha, beta, gamma, delta of METEOR 1.5's English default task, and its exact/stem module weights. */
const ALPHA = 0.85;
const BETA = 0.2;
const GAMMA = 0.6;
const DELTA = 0.75;
const MODULE_WEIGHTS = [1.0, 0.6];

/** The aggregable statistics of one alignment (or of a corpus, summed). */
export interface MeteorStats {
  testLength: number;
  referenceLength: number;
  testFunctionWords: number;
  referenceFunctionWords: number;
  /** Per module: matched content and function words in the hypothesis and in the reference. */
  testContent: number[];
  referenceContent: number[];
  testFunction: number[];
  referenceFunction: number[];
  chunks: number;
}

function emptyStats(): MeteorStats {
  const zeros = (): number[] => MODULE_WEIGHTS.map(() => 0);
  return {
    testLength: 0, referenceLength: 0, testFunctionWords: 0, referenceFunctionWords: 0,
    testContent: zeros(), referenceContent: zeros(), testFunction: zeros(), referenceFunction: zeros(), chunks: 0,
  };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const testMatches = (s: MeteorStats): number => sum(s.testContent) + sum(s.testFunction);
const referenceMatches = (s: MeteorStats): number => sum(s.referenceContent) + sum(s.referenceFunction);

function isPerfect(s: MeteorStats): boolean {
  return testMatches(s) === s.testLength && referenceMatches(s) === s.referenceLength && s.chunks === 1;
}

export function meteorScore(s: MeteorStats): number {
  const weighted = (content: number[], fn: number[]): number =>
    MODULE_WEIGHTS.reduce((acc, w, i) => acc + content[i]! * w * DELTA + fn[i]! * w * (1 - DELTA), 0);
  const testLen = DELTA * (s.testLength - s.testFunctionWords) + (1 - DELTA) * s.testFunctionWords;
  const refLen = DELTA * (s.referenceLength - s.referenceFunctionWords) + (1 - DELTA) * s.referenceFunctionWords;
  const precision = weighted(s.testContent, s.testFunction) / testLen;
  const recall = weighted(s.referenceContent, s.referenceFunction) / refLen;
  const fMean = 1 / ((1 - ALPHA) / precision + ALPHA / recall);
  const frag = isPerfect(s) ? 0 : s.chunks / ((testMatches(s) + referenceMatches(s)) / 2);
  const score = fMean * (1 - GAMMA * frag ** BETA);
  return Number.isNaN(score) ? 0 : Math.max(score, 0);
}

function alignmentStats(hyp: readonly string[], ref: readonly string[]): MeteorStats {
  const alignment = align(hyp, ref, stemEnglish);
  const s = emptyStats();
  const fn1 = hyp.map((w) => ENGLISH_FUNCTION_WORDS.has(w.toLowerCase()));
  const fn2 = ref.map((w) => ENGLISH_FUNCTION_WORDS.has(w.toLowerCase()));
  s.testLength = hyp.length;
  s.referenceLength = ref.length;
  s.testFunctionWords = fn1.filter(Boolean).length;
  s.referenceFunctionWords = fn2.filter(Boolean).length;
  for (const m of alignment.matches) {
    if (m === null) continue;
    (fn1[m.matchStart] ? s.testFunction : s.testContent)[m.module]!++;
    (fn2[m.start] ? s.referenceFunction : s.referenceContent)[m.module]!++;
  }
  s.chunks = alignment.chunks;
  return s;
}

function prepare(sentence: string): string[] {
  return javaTokens(normalizeEnglish(sentence).toLowerCase());
}

/** The statistics of the reference that scores best against the hypothesis (the first one on a tie). */
export function meteorSegmentStats(hyp: string, refs: readonly string[]): MeteorStats {
  const h = prepare(hyp);
  let best: MeteorStats | null = null;
  let bestScore = -1;
  for (const ref of refs) {
    const stats = alignmentStats(h, prepare(ref));
    const score = meteorScore(stats);
    if (score > bestScore) {
      best = stats;
      bestScore = score;
    }
  }
  return best ?? emptyStats();
}

/** Sums statistics as the jar's EVAL does: a perfect segment's single chunk is not counted. */
export function addMeteorStats(total: MeteorStats, s: MeteorStats): MeteorStats {
  const add = (a: number[], b: number[]): number[] => a.map((x, i) => x + b[i]!);
  return {
    testLength: total.testLength + s.testLength,
    referenceLength: total.referenceLength + s.referenceLength,
    testFunctionWords: total.testFunctionWords + s.testFunctionWords,
    referenceFunctionWords: total.referenceFunctionWords + s.referenceFunctionWords,
    testContent: add(total.testContent, s.testContent),
    referenceContent: add(total.referenceContent, s.referenceContent),
    testFunction: add(total.testFunction, s.testFunction),
    referenceFunction: add(total.referenceFunction, s.referenceFunction),
    chunks: total.chunks + (isPerfect(s) ? 0 : s.chunks),
  };
}

/** Corpus METEOR (exact+stem) over tokenized segments, with the per-segment scores. */
export function corpusMeteorExactStem(segments: readonly { hyp: string; refs: readonly string[] }[]): { score: number; segments: number[] } {
  let total = emptyStats();
  const scores: number[] = [];
  for (const { hyp, refs } of segments) {
    const stats = meteorSegmentStats(hyp.split('|||').join('').split('  ').join(' '), refs.map((r) => r.trim()));
    scores.push(meteorScore(stats));
    total = addMeteorStats(total, stats);
  }
  return { score: meteorScore(total), segments: scores };
}
