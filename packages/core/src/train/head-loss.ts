// The tied LM head fused with masked cross-entropy (as llm.c's fused classifier), in row chunks: each chunk's
// logits and softmax live only while that chunk is processed, and the gradient w.r.t. the normed hidden state,
// diag(w)·(softmax·wte − target·wte), is computed right there, so no (N, V) tensor outlives its chunk and
// d(logits) is never formed. Peak memory is one chunk × vocabulary, whatever the batch. Label smoothing ε mixes
// in the uniform target. With `wteGradient` the loss is also differentiable w.r.t. wte (full-parameter training):
// each chunk adds its (h·w)ᵀ·softmax to an (E, V) sum, and the targets' part is scattered once.
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import { FUSED_HEAD_LOSS, fusedHeadChunk } from '../kernels/head-loss-webgpu.js';

/** Rows per chunk are chosen so a chunk's logits hold at most this many elements (32 MiB in float32). */
export const HEAD_CHUNK_ELEMENTS = 1 << 23;

export interface HeadLossOptions {
  labelSmoothing?: number;
  /** Receives a kept copy of the per-token losses (N); the caller disposes it. */
  perTokenSink?: (perToken: tf.Tensor1D) => void;
  /** Overrides HEAD_CHUNK_ELEMENTS (tests use it to force several chunks). */
  chunkElements?: number;
  /** Evaluation: the loss only, without the gradient work (the result is then not differentiable). */
  forwardOnly?: boolean;
  /** Full-parameter training: the loss is differentiable w.r.t. `wte` too (the head's share of the tied gradient). */
  wteGradient?: boolean;
  /**
   * A constant added to every row's logits (V) inside the softmax, e.g. log k for a row that stands for k tied
   * tokens, so a reduced table gives the full vocabulary's softmax exactly (a target on that row scores one of its
   * k tokens). Not differentiated; label smoothing then spreads over rows.
   */
  logitBias?: tf.Tensor1D;
}

type ChunkResult = {
  perToken: tf.Tensor1D;
  /** softmax·wte − target·wte for the chunk's rows (N_c, E), before the mask and normalizer; absent when forward only. */
  gradBase?: tf.Tensor2D;
  /** (h·w)ᵀ·softmax (E, V) for the chunk's rows weighted by w = mask / normalizer; only with the wte gradient. */
  softmaxWteGradT?: tf.Tensor2D;
};

/**
 * normed (N, E), wte (V, E) [and its transpose (E, V) when available], targets (N) int32, mask (N) 0/1 →
 * Σᵢ maskᵢ·[(1−ε)(lseᵢ − zᵢ,ₜ) + ε(lseᵢ − mean_v zᵢ,ᵥ)] / normalizer, differentiable w.r.t. `normed` only.
 */
export function tiedHeadCrossEntropy(
  normed: tf.Tensor2D, wte: tf.Tensor2D, wteT: tf.Tensor2D | null, targets: tf.Tensor1D, mask: tf.Tensor1D,
  normalizer: number, options: HeadLossOptions = {},
): tf.Scalar {
  const eps = options.labelSmoothing ?? 0;
  const [N] = normed.shape;
  const V = wte.shape[0];
  const rowsPerChunk = Math.max(1, Math.floor((options.chunkElements ?? HEAD_CHUNK_ELEMENTS) / V));
  /**
   * Runs headChunk over every chunk of rows of h and joins the results (gradBase only with the gradient work);
   * with `rowWeights` (N) it also sums the chunks' softmax part of the wte gradient, transposed (E, V).
   * On WebGPU with FUSED_HEAD_LOSS the per-row work is two kernels (not with `rowWeights` or a logit bias).
   */
  const allChunks = (h: tf.Tensor2D, w: tf.Tensor2D, withGrad: boolean, rowWeights: tf.Tensor1D | null = null): ChunkResult => {
    const fused = rowWeights === null && options.logitBias === undefined && fusedKernelActive('FUSED_HEAD_LOSS', FUSED_HEAD_LOSS);
    const smoothTarget = withGrad && eps > 0 && !fused ? (tf.mul(tf.sum(w, 0), eps / V) as tf.Tensor1D) : null; // ε/V Σ_v wte_v (E)
    const chunks: ChunkResult[] = [];
    let softmaxWteGradT: tf.Tensor2D | undefined;
    for (let start = 0; start < N; start += rowsPerChunk) {
      const size = Math.min(rowsPerChunk, N - start);
      const chunk = tf.tidy((): ChunkResult => {
        const [rows, rowTargets] = [tf.slice(h, [start, 0], [size, -1]), tf.slice(targets, [start], [size])];
        if (fused) return fusedHeadChunk(rows, rowTargets, w, wteT, eps, withGrad);
        return headChunk(rows, rowTargets, w, wteT, eps, smoothTarget, withGrad, rowWeights === null ? null : tf.slice(rowWeights, [start], [size]), options.logitBias ?? null);
      });
      const part = chunk.softmaxWteGradT;
      if (part !== undefined && softmaxWteGradT === undefined) softmaxWteGradT = part;
      else if (part !== undefined) {
        const sum = tf.add(softmaxWteGradT!, part) as tf.Tensor2D;
        tf.dispose([softmaxWteGradT!, part]);
        softmaxWteGradT = sum;
      }
      chunks.push({ perToken: chunk.perToken, gradBase: chunk.gradBase });
    }
    smoothTarget?.dispose();
    const perToken = concatChunks(chunks.map((c) => c.perToken)) as tf.Tensor1D;
    return withGrad ? { perToken, gradBase: concatChunks(chunks.map((c) => c.gradBase!)) as tf.Tensor2D, softmaxWteGradT } : { perToken };
  };
  /** Σ mask·loss / normalizer, handing the per-token losses to the sink first. */
  const reduce = (perToken: tf.Tensor1D): tf.Scalar => {
    if (options.perTokenSink) options.perTokenSink(tf.keep(tf.clone(perToken)) as tf.Tensor1D);
    return tf.div(tf.sum(tf.mul(perToken, mask)), normalizer) as tf.Scalar;
  };
  if (options.forwardOnly) return tf.tidy(() => reduce(allChunks(normed, wte, false).perToken));
  if (options.wteGradient) return withWteGradient(normed, wte, targets, mask, normalizer, eps, allChunks, reduce);
  const f = tf.customGrad(((h: tf.Tensor, save: tf.GradSaveFunc) => {
    const { perToken, gradBase } = allChunks(h as tf.Tensor2D, wte, true);
    save([gradBase!]);
    const value = reduce(perToken);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const weights = tf.reshape(tf.mul(tf.div(mask, normalizer), dy), [-1, 1]); // (N, 1)
      return tf.mul(saved[0]!, weights); // (N, E)
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Scalar>>[0]);
  return f(normed) as tf.Scalar;
}

type AllChunks = (h: tf.Tensor2D, w: tf.Tensor2D, withGrad: boolean, rowWeights?: tf.Tensor1D | null) => ChunkResult;

/**
 * The loss as a function of (normed, wte). d(wte) = Σᵢ wᵢ (pᵢ − tᵢ) ⊗ hᵢ with wᵢ = maskᵢ / normalizer and tᵢ the
 * (smoothed) target: the softmax part comes from the chunks as (E, V), the target part is scattered into target rows.
 */
function withWteGradient(
  normed: tf.Tensor2D, wte: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D, normalizer: number, eps: number,
  allChunks: AllChunks, reduce: (perToken: tf.Tensor1D) => tf.Scalar,
): tf.Scalar {
  const [V, E] = wte.shape;
  const f = tf.customGrad(((h: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    const rowWeights = tf.div(mask, normalizer) as tf.Tensor1D; // (N)
    const { perToken, gradBase, softmaxWteGradT } = allChunks(h as tf.Tensor2D, w as tf.Tensor2D, true, rowWeights);
    const wteGrad = tf.tidy(() => {
      const weighted = tf.mul(h, tf.reshape(rowWeights, [-1, 1])); // (N, E) wᵢ hᵢ
      let grad = tf.sub(tf.transpose(softmaxWteGradT!), tf.scatterND(tf.reshape(targets, [-1, 1]), tf.mul(weighted, 1 - eps), [V, E])); // (V, E)
      if (eps > 0) grad = tf.sub(grad, tf.mul(tf.sum(weighted, 0, true), eps / V)); // every row: ε/V Σᵢ wᵢ hᵢ
      return grad;
    });
    softmaxWteGradT!.dispose();
    save([gradBase!, rowWeights, wteGrad]);
    const value = reduce(perToken);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => [
      tf.mul(saved[0]!, tf.reshape(tf.mul(saved[1]!, dy), [-1, 1])), // (N, E)
      tf.mul(saved[2]!, dy), // (V, E)
    ];
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Scalar>>[0]);
  return f(normed, wte) as tf.Scalar;
}

/** Loss per row and softmax·wte − target·wte for one chunk of rows; nothing (N_c, V)-sized escapes. */
function headChunk(
  h: tf.Tensor2D, targets: tf.Tensor1D, wte: tf.Tensor2D, wteT: tf.Tensor2D | null, eps: number, smoothTarget: tf.Tensor1D | null, withGrad: boolean,
  rowWeights: tf.Tensor1D | null, logitBias: tf.Tensor1D | null,
): ChunkResult {
  const [n] = h.shape;
  const V = wte.shape[0];
  const product = wteT !== null ? tf.matMul(h, wteT) : tf.matMul(h, wte, false, true); // (n, V)
  const logits = logitBias === null ? product : tf.add(product, logitBias);
  const probs = tf.softmax(logits); // (n, V)
  // log-sum-exp without another exp pass: max(p) = exp(max(z) − lse) ≥ 1/V, so it never underflows.
  const lse = tf.sub(tf.max(logits, 1), tf.log(tf.max(probs, 1))); // (n)
  const flatIndex = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(V, 'int32')), targets); // (n) into (n*V)
  // The target's own logit, without the bias: a target on a row of k tied tokens scores one of them, −log(p_row / k).
  const targetLogit = tf.gather(tf.reshape(product, [-1]), flatIndex); // (n)
  let perToken: tf.Tensor = tf.sub(lse, targetLogit);
  if (eps > 0) perToken = tf.add(tf.mul(perToken, 1 - eps), tf.mul(tf.sub(lse, tf.mean(logits, 1)), eps));
  if (!withGrad) return { perToken: perToken as tf.Tensor1D };
  let target: tf.Tensor = tf.mul(tf.gather(wte, targets), 1 - eps); // (n, E)
  if (smoothTarget !== null) target = tf.add(target, smoothTarget);
  const gradBase = tf.sub(tf.matMul(probs, wte), target) as tf.Tensor2D; // (n, E) = softmax · wte − target
  if (rowWeights === null) return { perToken: perToken as tf.Tensor1D, gradBase };
  // (E, n)·(n, V): the plain product, since transposeA is ~10× slower on wasm; transposed back once per step.
  const weightedT = tf.transpose(tf.mul(h, tf.reshape(rowWeights, [-1, 1]))) as tf.Tensor2D; // (E, n)
  return { perToken: perToken as tf.Tensor1D, gradBase, softmaxWteGradT: tf.matMul(weightedT, probs) as tf.Tensor2D }; // (E, V)
}

/** Joins chunk results along rows and disposes the parts (a single chunk is returned as is). */
function concatChunks(parts: tf.Tensor[]): tf.Tensor {
  if (parts.length === 1) return parts[0]!;
  const joined = tf.concat(parts, 0);
  tf.dispose(parts);
  return joined;
}
