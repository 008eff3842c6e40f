// Beam search with Hugging Face generate()'s semantics (transformers 5.x `_beam_search`): log-softmax scores,
// no_repeat_ngram_size over prompt + output, top 2·beams candidates, finished hypotheses scored
// sum(logprob) / generated_length ** length_penalty (the end-of-text token counted), early_stopping=false's
// heuristic. numBeams = 1 is greedy decoding.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import type { ForwardContext } from '../model/forward-context.js';
import type { AdapterBinding, BaseModel } from '../train/split-steps.js';
import { CachedLogits, FullRecomputeLogits, type NextTokenLogits } from './next-token-logits.js';

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

export interface BeamResult {
  /** Generated ids after the prompt, without the end-of-text token. */
  tokens: number[];
  /** The length-normalised log-probability beam search ranked it by. */
  score: number;
}

const NEG = -1e9;

interface Candidate {
  score: number;
  beam: number;
  token: number;
}

/**
 * Each row's best `k` log-probabilities (top-k and log-sum-exp on the device; only k values per row come back),
 * k large enough that the row's best 2·beams tokens that are not banned are among them.
 */
async function rowTopK(logits: tf.Tensor2D, banned: readonly Set<number>[], beams: number): Promise<{ values: Float32Array; indices: Int32Array; k: number }> {
  const V = logits.shape[1];
  const k = Math.min(V, 2 * beams + Math.max(0, ...banned.map((b) => b.size)));
  // top-k of the raw logits, minus each row's log-sum-exp: log-softmax without materialising (B, V) again.
  const { values, indices, logSumExp } = tf.tidy(() => ({ ...tf.topk(logits, k, true), logSumExp: tf.logSumExp(logits, 1) }));
  const [v, i, lse] = await Promise.all([values.data(), indices.data(), logSumExp.data()]);
  tf.dispose([values, indices, logSumExp]);
  const logProbs = Float32Array.from(v as Float32Array, (x, j) => x - lse[Math.floor(j / k)]!);
  return { values: logProbs, indices: i as Int32Array, k };
}

/** Tokens that would complete an n-gram already present in `seq` (HF's NoRepeatNGramLogitsProcessor). */
export function bannedTokens(seq: readonly number[], n: number): Set<number> {
  const banned = new Set<number>();
  if (n <= 0 || seq.length + 1 < n) return banned;
  const prefix = seq.slice(seq.length - n + 1).join(',');
  for (let i = 0; i + n <= seq.length; i++) if (seq.slice(i, i + n - 1).join(',') === prefix) banned.add(seq[i + n - 1]!);
  return banned;
}

/** The k best (beam, token) continuations over all beams; ties keep the lower flat index (beam, token) first. */
function topCandidates(top: { values: Float32Array; indices: Int32Array; k: number }, banned: readonly Set<number>[], runningScores: readonly number[], k: number): Candidate[] {
  const all: Candidate[] = [];
  runningScores.forEach((running, beam) => {
    for (let j = 0; j < top.k; j++) {
      const token = top.indices[beam * top.k + j]!;
      if (!banned[beam]!.has(token)) all.push({ score: top.values[beam * top.k + j]! + running, beam, token });
    }
  });
  return all.sort((a, b) => b.score - a.score || a.beam - b.beam || a.token - b.token).slice(0, k);
}

export async function beamSearch(model: BaseModel, adapter: AdapterBinding | null, prompt: readonly number[], options: BeamSearchOptions): Promise<BeamResult> {
  const { numBeams: K, maxNewTokens, lengthPenalty, noRepeatNgramSize, eosTokenId } = options;
  if (!Number.isInteger(K) || K < 1) fail('range', `numBeams must be a positive integer, found ${K}`);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) fail('range', `maxNewTokens must be a positive integer, found ${maxNewTokens}`);
  if (prompt.length === 0) fail('range', 'beam search needs a non-empty prompt');
  if (prompt.length + maxNewTokens > model.config.n_positions) {
    fail('range', `prompt (${prompt.length}) + maxNewTokens (${maxNewTokens}) exceeds n_positions ${model.config.n_positions}`);
  }
  const ctx: ForwardContext = { config: model.config, params: model.params, lora: adapter, dropoutSeed: null };
  const source: NextTokenLogits = options.useCache === false ? new FullRecomputeLogits(ctx) : new CachedLogits(ctx);
  const promptLen = prompt.length;
  const maxLength = promptLen + maxNewTokens;
  let running: number[][] = Array.from({ length: K }, () => [...prompt]);
  let runningScores: number[] = running.map((_, i) => (i === 0 ? 0 : NEG));
  let parents: number[] | null = null;
  let finished: { seq: number[]; score: number }[] = [];
  let improvable = true;
  try {
    for (let curLen = promptLen; ; curLen++) {
      const banned = running.map((seq) => bannedTokens(seq, noRepeatNgramSize));
      const logits = source.next(running, parents);
      const top = await rowTopK(logits, banned, K).finally(() => logits.dispose());
      const candidates = topCandidates(top, banned, runningScores, 2 * K);
      const hits = candidates.map((c) => c.token === eosTokenId || curLen + 1 >= maxLength);
      // The best numBeams candidates that did not stop keep running.
      const next = candidates.map((c, i) => ({ c, score: c.score + (hits[i] ? NEG : 0) })).sort((a, b) => b.score - a.score).slice(0, K);
      // Candidates among the top numBeams that stopped become finished hypotheses if they beat the worst one kept.
      const genLen = curLen + 1 - promptLen;
      const allFinished = finished.length === K && finished.every((f) => f.score > NEG / 2);
      const fresh = candidates.map((c, i) => {
        let score = c.score / genLen ** lengthPenalty;
        if (options.earlyStopping === true && allFinished) score += NEG;
        if (!improvable) score += NEG;
        if (!(hits[i] && i < K)) score += NEG;
        return { seq: [...running[c.beam]!, c.token], score };
      });
      finished = [...finished, ...fresh].map((f, order) => ({ f, order })).sort((a, b) => b.f.score - a.f.score || a.order - b.order).slice(0, K).map(({ f }) => f);
      parents = next.map(({ c }) => c.beam);
      running = next.map(({ c }) => [...running[c.beam]!, c.token]);
      runningScores = next.map(({ score }) => score);
      // HF's early_stopping=false heuristic: can the best running beam still beat the worst finished one?
      const worst = finished.length === K && finished.every((f) => f.score > NEG / 2) ? Math.min(...finished.map((f) => f.score)) : NEG;
      const bestPossible = runningScores[0]! / (curLen + 1 - promptLen) ** lengthPenalty;
      improvable = improvable && bestPossible > worst;
      const openBeam = !(options.earlyStopping === true && finished.length === K && finished.every((f) => f.score > NEG / 2));
      if (!improvable || !openBeam || hits.every(Boolean)) break;
    }
  } finally {
    source.dispose();
  }
  const best = finished[0]!;
  const tokens = best.seq.slice(promptLen);
  if (tokens[tokens.length - 1] === eosTokenId) tokens.pop();
  return { tokens, score: best.score };
}
