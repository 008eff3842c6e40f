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

/** Batches over a dataset forever: each epoch is a fresh shuffle derived from (seed, epoch). */
export class BatchStream {
  private order: Example[] = [];
  private cursor = 0;
  epoch = -1;

  constructor(
    private readonly examples: readonly Example[],
    private readonly options: BatchingOptions,
    private readonly seed: number,
  ) {
    if (examples.length === 0) fail('data', 'the dataset has no usable examples');
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
