// The tied LM head fused with masked cross-entropy (as llm.c's fused classifier), in row chunks: each chunk's
// logits and softmax live only while that chunk is processed, and the gradient w.r.t. the normed hidden state,
// diag(w)·(softmax·wte − target·wte), is computed right there, so no (N, V) tensor outlives its chunk and
// d(logits) is never formed. Peak memory is one chunk × vocabulary, whatever the batch. Label smoothing ε mixes
// in the uniform target.
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
}

type ChunkResult = {
  perToken: tf.Tensor1D;
  /** softmax·wte − target·wte for the chunk's rows (N_c, E), before the mask and normalizer; absent when forward only. */
  gradBase?: tf.Tensor2D;
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
  /** Runs headChunk over every chunk of rows of h and joins the results (gradBase only with the gradient work). */
  const allChunks = (h: tf.Tensor2D, withGrad: boolean): ChunkResult => {
    const fused = fusedKernelActive('FUSED_HEAD_LOSS', FUSED_HEAD_LOSS); // on WebGPU: the per-row work as two kernels
    const smoothTarget = withGrad && eps > 0 && !fused ? (tf.mul(tf.sum(wte, 0), eps / V) as tf.Tensor1D) : null; // ε/V Σ_v wte_v (E)
    const chunks: ChunkResult[] = [];
    for (let start = 0; start < N; start += rowsPerChunk) {
      const size = Math.min(rowsPerChunk, N - start);
      chunks.push(tf.tidy(() => {
        const [rows, rowTargets] = [tf.slice(h, [start, 0], [size, -1]), tf.slice(targets, [start], [size])];
        return fused ? fusedHeadChunk(rows, rowTargets, wte, wteT, eps, withGrad) : headChunk(rows, rowTargets, wte, wteT, eps, smoothTarget, withGrad);
      }));
    }
    smoothTarget?.dispose();
    const perToken = concatChunks(chunks.map((c) => c.perToken)) as tf.Tensor1D;
    return withGrad ? { perToken, gradBase: concatChunks(chunks.map((c) => c.gradBase!)) as tf.Tensor2D } : { perToken };
  };
  /** Σ mask·loss / normalizer, handing the per-token losses to the sink first. */
  const reduce = (perToken: tf.Tensor1D): tf.Scalar => {
    if (options.perTokenSink) options.perTokenSink(tf.keep(tf.clone(perToken)) as tf.Tensor1D);
    return tf.div(tf.sum(tf.mul(perToken, mask)), normalizer) as tf.Scalar;
  };
  if (options.forwardOnly) return tf.tidy(() => reduce(allChunks(normed, false).perToken));
  const f = tf.customGrad(((h: tf.Tensor, save: tf.GradSaveFunc) => {
    const { perToken, gradBase } = allChunks(h as tf.Tensor2D, true);
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

/** Loss per row and softmax·wte − target·wte for one chunk of rows; nothing (N_c, V)-sized escapes. */
function headChunk(
  h: tf.Tensor2D, targets: tf.Tensor1D, wte: tf.Tensor2D, wteT: tf.Tensor2D | null, eps: number, smoothTarget: tf.Tensor1D | null, withGrad: boolean,
): ChunkResult {
  const [n] = h.shape;
  const V = wte.shape[0];
  const logits = wteT !== null ? tf.matMul(h, wteT) : tf.matMul(h, wte, false, true); // (n, V)
  const probs = tf.softmax(logits); // (n, V)
  // log-sum-exp without another exp pass: max(p) = exp(max(z) − lse) ≥ 1/V, so it never underflows.
  const lse = tf.sub(tf.max(logits, 1), tf.log(tf.max(probs, 1))); // (n)
  const flatIndex = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(V, 'int32')), targets); // (n) into (n*V)
  const targetLogit = tf.gather(tf.reshape(logits, [-1]), flatIndex); // (n)
  let perToken: tf.Tensor = tf.sub(lse, targetLogit);
  if (eps > 0) perToken = tf.add(tf.mul(perToken, 1 - eps), tf.mul(tf.sub(lse, tf.mean(logits, 1)), eps));
  if (!withGrad) return { perToken: perToken as tf.Tensor1D };
  let target: tf.Tensor = tf.mul(tf.gather(wte, targets), 1 - eps); // (n, E)
  if (smoothTarget !== null) target = tf.add(target, smoothTarget);
  const gradBase = tf.sub(tf.matMul(probs, wte), target) as tf.Tensor2D; // (n, E) = softmax · wte − target
  return { perToken: perToken as tf.Tensor1D, gradBase };
}

/** Joins chunk results along rows and disposes the parts (a single chunk is returned as is). */
function concatChunks(parts: tf.Tensor[]): tf.Tensor {
  if (parts.length === 1) return parts[0]!;
  const joined = tf.concat(parts, 0);
  tf.dispose(parts);
  return joined;
}
