// The tied LM head fused with masked cross-entropy (as llm.c's fused classifier): the gradient w.r.t. the normed
// hidden state is computed as diag(w)·(softmax·wte − target·wte) without ever forming d(logits), so the only
// (N, V)-sized work is the head matMul and one softmax. Label smoothing ε mixes in the uniform target.
import * as tf from '@tensorflow/tfjs-core';

export interface HeadLossOptions {
  labelSmoothing?: number;
  /** Receives a kept copy of the per-token losses (N); the caller disposes it. */
  perTokenSink?: (perToken: tf.Tensor1D) => void;
}

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
  const f = tf.customGrad(((h: tf.Tensor, save: tf.GradSaveFunc) => {
    const logits = wteT !== null ? tf.matMul(h as tf.Tensor2D, wteT) : tf.matMul(h as tf.Tensor2D, wte, false, true); // (N, V)
    const probs = tf.softmax(logits); // (N, V)
    save([probs]);
    // log-sum-exp without another exp pass: max(p) = exp(max(z) − lse) ≥ 1/V, so it never underflows.
    const lse = tf.sub(tf.max(logits, 1), tf.log(tf.max(probs, 1))); // (N)
    const flatIndex = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), targets); // (N) into (N*V)
    const targetLogit = tf.gather(tf.reshape(logits, [-1]), flatIndex); // (N)
    let perToken = tf.sub(lse, targetLogit); // (N)
    if (eps > 0) perToken = tf.add(tf.mul(perToken, 1 - eps), tf.mul(tf.sub(lse, tf.mean(logits, 1)), eps));
    if (options.perTokenSink) options.perTokenSink(tf.keep(tf.clone(perToken)) as tf.Tensor1D);
    const value = tf.div(tf.sum(tf.mul(perToken, mask)), normalizer) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const weights = tf.reshape(tf.mul(tf.div(mask, normalizer), dy), [-1, 1]); // (N, 1)
      const expected = tf.matMul(saved[0]! as tf.Tensor2D, wte); // (N, E) = softmax · wte
      let target: tf.Tensor = tf.mul(tf.gather(wte, targets), 1 - eps); // (N, E)
      if (eps > 0) target = tf.add(target, tf.mul(tf.sum(wte, 0), eps / V)); // + ε/V Σ_v wte_v
      return tf.mul(tf.sub(expected, target), weights); // (N, E)
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Scalar>>[0]);
  return f(normed) as tf.Scalar;
}
