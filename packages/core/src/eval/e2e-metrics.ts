// The E2E NLG Challenge metrics over a corpus, as its official scorer (measure_scores.py -p) computes them: BLEU
// and NIST on pymteval's tokenization, METEOR (exact+stem), ROUGE-L and CIDEr-D on the COCO scorer's PTB tokens.
import { corpusBleu, type ScoredSegment } from './bleu.js';
import { corpusCider } from './cider.js';
import { corpusMeteorExactStem } from './meteor/meteor.js';
import { corpusNist } from './nist.js';
import { cocoTokenize } from './ptb-tokenize.js';
import { corpusRougeL } from './rouge-l.js';
import { fail } from '../errors.js';

export interface E2EScores {
  /** BLEU-4 in [0, 1] (the paper's tables show it × 100). */
  bleu: number;
  nist: number;
  /** METEOR 1.5 with the exact and stem modules only (no WordNet synonyms, no paraphrase table), in [0, 1]. */
  meteor: number;
  /** ROUGE-L F (beta 1.2) in [0, 1]. */
  rougeL: number;
  /** CIDEr-D (the COCO scorer's `Cider`), ≥ 0, at most 10. */
  cider: number;
}

/** Which METEOR the `meteor` score is, for labels and JSON. */
export const METEOR_VARIANT = 'METEOR 1.5 exact+stem (no synonym/paraphrase modules)';

export function scoreE2E(segments: readonly ScoredSegment[]): E2EScores {
  if (segments.length === 0) fail('data', 'no segments to score');
  segments.forEach((s, i) => {
    if (s.refs.length === 0) fail('data', `segment ${i} has no reference`);
  });
  const tokenized = segments.map((s) => ({ hyp: cocoTokenize(s.hyp), refs: s.refs.map(cocoTokenize) }));
  return {
    bleu: corpusBleu(segments),
    nist: corpusNist(segments),
    meteor: corpusMeteorExactStem(tokenized).score,
    rougeL: corpusRougeL(tokenized).score,
    cider: corpusCider(tokenized).score,
  };
}
