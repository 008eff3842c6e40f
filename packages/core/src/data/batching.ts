// Dynamic padding into token batches, and an endless, deterministically shuffled stream of them.
import { fail } from '../errors.js';
import type { TokenBatch } from '../train/batch-tensors.js';
import type { Example } from './examples.js';
import { createRng, mixSeed, shuffled } from './rng.js';

export interface BatchingOptions {
  batchSize: number;
  maxSeqLen: number;
  /** Sequence lengths are rounded up to a multiple of this (fewer distinct shapes, fewer GPU shader compiles). */
  padMultiple?: number;
  /** Token used for padding (its positions never count). */
  padTokenId: number;
}

/** Pads examples on the right to the longest one (rounded up to padMultiple, capped at maxSeqLen). */
export function collate(examples: readonly Example[], options: BatchingOptions): TokenBatch {
  if (examples.length === 0) fail('data', 'cannot make a batch of zero examples');
  const longest = Math.max(...examples.map((e) => Math.min(e.tokens.length - 1, options.maxSeqLen)));
  if (longest < 1) fail('data', 'every example needs at least two tokens');
  const multiple = options.padMultiple ?? 1;
  const seqLen = Math.min(options.maxSeqLen, Math.ceil(longest / multiple) * multiple);
  const B = examples.length;
  const inputIds = new Int32Array(B * seqLen).fill(options.padTokenId);
  const targets = new Int32Array(B * seqLen).fill(options.padTokenId);
  const lossMask = new Float32Array(B * seqLen);
  let tokens = 0;
  examples.forEach((example, row) => {
    const n = Math.min(example.tokens.length - 1, seqLen);
    for (let t = 0; t < n; t++) {
      inputIds[row * seqLen + t] = example.tokens[t]!;
      targets[row * seqLen + t] = example.tokens[t + 1]!;
      const counted = example.lossMask[t + 1]!;
      lossMask[row * seqLen + t] = counted;
      tokens += counted;
    }
  });
  return { batchSize: B, seqLen, inputIds, targets, lossMask, tokens };
}

/** Whether a batch of `maxSeqLen` positions keeps at least one counted target of the example (collate's window). */
export function countsWithin(example: Example, maxSeqLen: number): boolean {
  const last = Math.min(example.tokens.length - 1, maxSeqLen);
  for (let i = 1; i <= last; i++) if (example.lossMask[i] === 1) return true;
  return false;
}

/**
 * Batches over a dataset forever: each epoch is a fresh shuffle derived from (seed, epoch). Examples whose counted
 * tokens all lie beyond the run's maxSeqLen (made for a longer window) are left out: a batch of only such examples
 * would have nothing to learn from, and the server refuses it.
 */
export class BatchStream {
  private order: Example[] = [];
  private cursor = 0;
  private readonly examples: readonly Example[];
  epoch = -1;

  constructor(
    examples: readonly Example[],
    private readonly options: BatchingOptions,
    private readonly seed: number,
  ) {
    if (examples.length === 0) fail('data', 'the dataset has no usable examples');
    this.examples = examples.every((e) => countsWithin(e, options.maxSeqLen)) ? examples : examples.filter((e) => countsWithin(e, options.maxSeqLen));
    if (this.examples.length === 0) {
      fail('data', `none of the ${examples.length} examples has a token to learn within the run's ${options.maxSeqLen}-token window (their completions start later); use shorter contexts or a longer maxSeqLen`);
    }
  }

  /** How many examples the stream draws from (those left out above not counted): each epoch sends each once. */
  get size(): number {
    return this.examples.length;
  }

  next(): TokenBatch {
    const picked: Example[] = [];
    while (picked.length < this.options.batchSize) {
      if (this.cursor >= this.order.length) {
        this.epoch += 1;
        this.order = shuffled(this.examples, createRng(mixSeed(this.seed, this.epoch)));
        this.cursor = 0;
      }
      picked.push(this.order[this.cursor++]!);
    }
    return collate(picked, this.options);
  }
}

/** The whole dataset in order, in batches (the last one may be smaller): for evaluation. */
export function evalBatches(examples: readonly Example[], options: BatchingOptions): TokenBatch[] {
  const out: TokenBatch[] = [];
  for (let i = 0; i < examples.length; i += options.batchSize) out.push(collate(examples.slice(i, i + options.batchSize), options));
  return out;
}
