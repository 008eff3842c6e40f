// Beam search over one prompt or a batch of prompts decoded together (rows = prompts × beams, finished prompts
// dropped from the batch), with the key/value cache or full recompute. Semantics: BeamState (Hugging Face's).
// numBeams = 1 is greedy decoding.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import type { ForwardContext } from '../model/forward-context.js';
import type { AdapterBinding, BaseModel } from '../train/split-steps.js';
import { type BeamResult, BeamState, type RowTopK } from './beam-state.js';
import { CachedLogits, FullRecomputeLogits, type NextTokenLogits } from './next-token-logits.js';

export { bannedTokens, type BeamResult } from './beam-state.js';

export interface BeamSearchOptions {
  numBeams: number;
  maxNewTokens: number;
  /** Exponent of the generated length dividing a finished hypothesis' log-probability (HF's length_penalty). */
  lengthPenalty: number;
  /** Bans any token that would repeat an n-gram of this size (0 = off), as HF's no_repeat_ngram_size. */
  noRepeatNgramSize: number;
  eosTokenId: number;
  /** false (HF's default): stop when no running beam can beat the worst finished one; true: when numBeams are finished. */
  earlyStopping?: boolean;
  /** Decode with the key/value cache (default) or recompute the whole sequence each step. */
  useCache?: boolean;
}

/**
 * Each row's best k log-probabilities: top-k of the raw logits and each row's log-sum-exp on the device (only k
 * values per row come back), k large enough that a row's best 2·beams tokens that are not banned are among them.
 */
async function rowTopK(logits: tf.Tensor2D, banned: readonly Set<number>[], beams: number): Promise<RowTopK> {
  const V = logits.shape[1];
  const k = Math.min(V, 2 * beams + Math.max(0, ...banned.map((b) => b.size)));
  const { values, indices, logSumExp } = tf.tidy(() => ({ ...tf.topk(logits, k, true), logSumExp: tf.logSumExp(logits, 1) }));
  const [v, i, lse] = await Promise.all([values.data(), indices.data(), logSumExp.data()]);
  tf.dispose([values, indices, logSumExp]);
  const logProbs = Float32Array.from(v as Float32Array, (x, j) => x - lse[Math.floor(j / k)]!);
  return { values: logProbs, indices: i as Int32Array, k };
}

export async function beamSearchBatch(
  model: BaseModel, adapter: AdapterBinding | null, prompts: readonly (readonly number[])[], options: BeamSearchOptions,
): Promise<BeamResult[]> {
  const { numBeams: K, maxNewTokens } = options;
  if (!Number.isInteger(K) || K < 1) fail('range', `numBeams must be a positive integer, found ${K}`);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) fail('range', `maxNewTokens must be a positive integer, found ${maxNewTokens}`);
  if (prompts.length === 0 || prompts.some((p) => p.length === 0)) fail('range', 'beam search needs non-empty prompts');
  // With the cache, prompts share left-padded positions: the longest prompt bounds the room for new tokens.
  const longest = Math.max(...prompts.map((p) => p.length));
  if (longest + maxNewTokens > model.config.n_positions) {
    fail('range', `prompt (${longest} tokens) + maxNewTokens (${maxNewTokens}) exceeds n_positions ${model.config.n_positions}`);
  }
  const ctx: ForwardContext = { config: model.config, params: model.params, lora: adapter, dropoutSeed: null };
  const source: NextTokenLogits = options.useCache === false ? new FullRecomputeLogits(ctx) : new CachedLogits(ctx);
  const settings = { ...options, earlyStopping: options.earlyStopping ?? false };
  const states = prompts.map((p) => new BeamState(p, settings));
  let active = states.map((_, i) => i);
  let parents: number[] | null = null;
  try {
    while (active.length > 0) {
      const banned = active.flatMap((p) => states[p]!.banned());
      const logits = source.next(active.flatMap((p) => states[p]!.running), parents);
      const top = await rowTopK(logits, banned, K).finally(() => logits.dispose());
      const nextActive: number[] = [];
      const nextParents: number[] = [];
      active.forEach((p, slot) => {
        const state = states[p]!;
        const beamParents = state.advance(top, slot * K, banned.slice(slot * K, (slot + 1) * K));
        if (state.done) return;
        nextActive.push(p);
        nextParents.push(...beamParents.map((b) => slot * K + b));
      });
      active = nextActive;
      parents = nextParents;
    }
  } finally {
    source.dispose();
  }
  return states.map((s) => s.result());
}

export async function beamSearch(model: BaseModel, adapter: AdapterBinding | null, prompt: readonly number[], options: BeamSearchOptions): Promise<BeamResult> {
  return (await beamSearchBatch(model, adapter, [prompt], options))[0]!;
}
