// The dashboard's per-round E2E evaluation: the request (which round, how many test-set MRs), and the record the
// server pushes while it decodes in the background and when it is done (BLEU, NIST, METEOR, ROUGE-L, CIDEr,
// perplexity) or failed.
import { z } from 'zod';
import { idSchema } from './shared-records.js';

/** The E2E test set has 630 distinct MRs; a dashboard evaluation decodes the first `samples` of them. */
export const E2E_TEST_MRS = 630;

export const roundEvaluateSchema = z.strictObject({
  runId: idSchema,
  round: z.number().int().min(0),
  samples: z.number().int().min(1).max(E2E_TEST_MRS).default(20),
});

export interface E2EScoresRecord {
  bleu: number;
  nist: number;
  /** METEOR 1.5 with its exact and stem modules (see docs/EVALUATION.md). */
  meteor: number;
  rougeL: number;
  cider: number;
  /** exp(mean cross-entropy) of the references given their MR. */
  perplexity: number;
}

export interface RoundEvaluation {
  runId: string;
  round: number;
  samples: number;
  state: 'running' | 'done' | 'failed';
  /** MRs decoded so far, of `samples`. */
  done: number;
  startedAt: number;
  /** Seconds from start to the end (done or failed); null while running. */
  seconds: number | null;
  scores: E2EScoresRecord | null;
  error: string | null;
}
