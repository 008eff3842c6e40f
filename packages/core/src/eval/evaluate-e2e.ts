// Evaluation of a model (+ adapter) on E2E items: beam-search decoding of each MR's completion prompt, the five
// E2E metrics against the grouped references, and perplexity of the references. Callable from the CLI or a run.
import * as tf from '@tensorflow/tfjs-core';
import { evalBatches } from '../data/batching.js';
import { completionPrompt, contextCompletionExample, type Example } from '../data/examples.js';
import { beamSearchBatch } from '../decode/beam-search.js';
import { fail } from '../errors.js';
import type { Gpt2Tokenizer } from '../tokenizer/gpt2-tokenizer.js';
import { batchTensors } from '../train/batch-tensors.js';
import { type AdapterBinding, type BaseModel, fullLoss } from '../train/split-steps.js';
import type { E2EItem } from './e2e-references.js';
import { type E2EScores, METEOR_VARIANT, scoreE2E } from './e2e-metrics.js';

export interface DecodeSettings {
  numBeams: number;
  lengthPenalty: number;
  noRepeatNgramSize: number;
  /** Upper bound on generated tokens (also capped by the model's n_positions). */
  maxNewTokens: number;
}

/** The paper's decoding settings (SplitLoRA / LoRA E2E): beam 10, length penalty 0.8, no-repeat 4-grams. */
export const PAPER_DECODING: DecodeSettings = { numBeams: 10, lengthPenalty: 0.8, noRepeatNgramSize: 4, maxNewTokens: 64 };

export interface EvaluateOptions {
  decoding: DecodeSettings;
  /** MRs decoded together (rows = MRs × beams; fewer, larger tensor ops). Default 8. */
  promptBatch?: number;
  /** Batch size of the perplexity pass. */
  batchSize?: number;
  /** Called after each decoded item (for progress bars and time estimates). */
  onProgress?: (done: number, total: number) => void;
}

export interface E2EEvaluation extends E2EScores {
  /** exp(mean cross-entropy) of the references' completion tokens (end-of-text included) given their MR. */
  perplexity: number;
  meteorVariant: string;
  items: number;
  references: number;
  decoding: DecodeSettings;
  outputs: { mr: string; hyp: string; refs: string[] }[];
  decodeSeconds: number;
}

export async function evaluateE2E(
  model: BaseModel, adapter: AdapterBinding | null, tokenizer: Gpt2Tokenizer, items: readonly E2EItem[], options: EvaluateOptions,
): Promise<E2EEvaluation> {
  if (items.length === 0) fail('data', 'nothing to evaluate: no E2E items');
  const { decoding } = options;
  const started = Date.now();
  const outputs: E2EEvaluation['outputs'] = [];
  const batchSize = options.promptBatch ?? 8;
  for (let start = 0; start < items.length; start += batchSize) {
    const batch = items.slice(start, start + batchSize);
    const prompts = batch.map((item) => tokenizer.encode(completionPrompt(item.mr)));
    const room = model.config.n_positions - Math.max(...prompts.map((p) => p.length));
    if (room < 1) fail('range', `a prompt of MRs ${start + 1}..${start + batch.length} fills the model's ${model.config.n_positions} positions`);
    const results = await beamSearchBatch(model, adapter, prompts, {
      numBeams: decoding.numBeams, lengthPenalty: decoding.lengthPenalty, noRepeatNgramSize: decoding.noRepeatNgramSize,
      maxNewTokens: Math.min(decoding.maxNewTokens, room), eosTokenId: tokenizer.eosTokenId,
    });
    batch.forEach((item, i) => outputs.push({ mr: item.mr, hyp: tokenizer.decode(results[i]!.tokens).trim(), refs: item.refs }));
    options.onProgress?.(outputs.length, items.length);
  }
  const decodeSeconds = (Date.now() - started) / 1000;
  const scores = scoreE2E(outputs.map(({ hyp, refs }) => ({ hyp, refs })));
  return {
    ...scores,
    perplexity: await referencePerplexity(model, adapter, tokenizer, items, options.batchSize ?? 8),
    meteorVariant: METEOR_VARIANT,
    items: items.length,
    references: items.reduce((n, item) => n + item.refs.length, 0),
    decoding,
    outputs,
    decodeSeconds,
  };
}

/** Perplexity of every reference's completion given its MR, in the training format (loss on completion + eos). */
export async function referencePerplexity(
  model: BaseModel, adapter: AdapterBinding | null, tokenizer: Gpt2Tokenizer, items: readonly E2EItem[], batchSize: number,
): Promise<number> {
  const maxSeqLen = model.config.n_positions;
  const examples = items.flatMap((item) => item.refs.map((ref) => contextCompletionExample(tokenizer, item.mr, ref, { maxSeqLen })))
    .filter((e): e is Example => e !== null);
  if (examples.length === 0) fail('data', 'no reference fits the model window');
  let lossSum = 0;
  let tokens = 0;
  for (const batch of evalBatches(examples, { batchSize, maxSeqLen, padTokenId: tokenizer.eosTokenId })) {
    const t = batchTensors(batch);
    const loss = fullLoss(model, adapter, t.ids, t.targets, t.mask, batch.tokens);
    lossSum += (await loss.data())[0]! * batch.tokens;
    tokens += batch.tokens;
    tf.dispose(loss);
    t.dispose();
  }
  return Math.exp(lossSum / tokens);
}
