// What the server's evaluation thread is given (where the base, the round's adapters, the tokenizer and the test set
// are) and what it reports back (progress, the scores with every output, or an error).
import type { E2EScoresRecord } from '@splitlora/protocol';

export interface RoundEvalInput {
  runDir: string;
  round: number;
  samples: number;
  /** A Hugging Face checkpoint folder, or a random-weight preset drawn from the run's seed (older run folders). */
  base: { dir: string } | { preset: string; seed: number };
  tokenizerDir: string;
  dataPath: string;
}

export type RoundEvalReport =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; scores: E2EScoresRecord; outputs: { mr: string; hyp: string; refs: string[] }[]; decodeSeconds: number }
  | { type: 'failed'; message: string };
