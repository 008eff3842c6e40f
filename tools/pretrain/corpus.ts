// The pretraining corpus: a plain-text file tokenized with GPT-2's tokenizer and split into a training part and a
// held-out tail (cut at a blank line), with random training windows and fixed, non-overlapping held-out windows.
import { createRng, type Gpt2Tokenizer, mixSeed, type TokenBatch } from '@splitlora/core';

export interface Corpus {
  train: Int32Array;
  heldOut: Int32Array;
  /** Characters before the cut (the training text) and after it. */
  trainChars: number;
  heldOutChars: number;
}

/** Splits `text` at the first blank line after `trainFraction` of its characters and tokenizes both parts. */
export function tokenizeCorpus(text: string, tokenizer: Gpt2Tokenizer, trainFraction: number): Corpus {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new Error(`train fraction must be in (0, 1), found ${trainFraction}`);
  const blank = text.indexOf('\n\n', Math.floor(text.length * trainFraction));
  const cut = blank < 0 ? Math.floor(text.length * trainFraction) : blank + 2;
  const trainText = text.slice(0, cut);
  const heldOutText = text.slice(cut);
  return {
    train: Int32Array.from(tokenizer.encode(trainText)), heldOut: Int32Array.from(tokenizer.encode(heldOutText)),
    trainChars: trainText.length, heldOutChars: heldOutText.length,
  };
}

/** A batch of `rows` windows of `seqLen` tokens starting at `starts`, each predicting its next token everywhere. */
export function windowBatch(tokens: Int32Array, starts: readonly number[], seqLen: number): TokenBatch {
  const rows = starts.length;
  const inputIds = new Int32Array(rows * seqLen);
  const targets = new Int32Array(rows * seqLen);
  starts.forEach((start, row) => {
    if (start < 0 || start + seqLen + 1 > tokens.length) throw new Error(`window [${start}, ${start + seqLen + 1}) outside ${tokens.length} tokens`);
    inputIds.set(tokens.subarray(start, start + seqLen), row * seqLen);
    targets.set(tokens.subarray(start + 1, start + seqLen + 1), row * seqLen);
  });
  return { batchSize: rows, seqLen, inputIds, targets, lossMask: new Float32Array(rows * seqLen).fill(1), tokens: rows * seqLen };
}

/** Training batch of step `step`: uniformly random windows drawn from (seed, step), so a resumed run sees the same batches. */
export function trainBatch(tokens: Int32Array, seqLen: number, batchSize: number, seed: number, step: number): TokenBatch {
  const rng = createRng(mixSeed(seed, step));
  const span = tokens.length - seqLen - 1;
  if (span < 1) throw new Error(`the training text has ${tokens.length} tokens, fewer than one window of ${seqLen + 1}`);
  return windowBatch(tokens, Array.from({ length: batchSize }, () => Math.floor(rng() * span)), seqLen);
}

/** Starts of the non-overlapping held-out windows (the tokens after the last full window are not scored). */
export function heldOutStarts(tokens: Int32Array, seqLen: number, limit = Infinity): number[] {
  const count = Math.min(limit, Math.floor((tokens.length - 1) / seqLen));
  return Array.from({ length: count }, (_, i) => i * seqLen);
}
