// Masked token cross-entropy with optional label smoothing and a hand-written gradient (softmax − target).
// The custom gradient avoids differentiating `gather`, whose gradient kernel the wasm backend lacks.
import * as tf from '@tensorflow/tfjs-core';

export interface CrossEntropyOptions {
  /** ε of label smoothing (PyTorch's `label_smoothing`); 0 disables it. */
  labelSmoothing?: number;
  /** Receives a kept copy of the per-token losses (N) — the caller disposes it (e.g. for per-client losses). */
  perTokenSink?: (perToken: tf.Tensor1D) => void;
}

/**
 * logits (N, V), targets (N) int32, mask (N) float32 of 0/1 → scalar
 * Σᵢ maskᵢ · [(1−ε)·(−log pᵢ[targetᵢ]) + ε·mean_v(−log pᵢ[v])] / normalizer,
 * where the normalizer is usually the number of counted tokens (known on the host, so nothing is read back).
 */
export function maskedCrossEntropy(
  logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D, normalizer: number, options: CrossEntropyOptions = {},
): tf.Scalar {
  const eps = options.labelSmoothing ?? 0;
  const [N, vocab] = logits.shape;
  // Everything the gradient uses is an input, saved, or created in the gradient itself: tensors made in the
  // forward closure are released before backprop runs.
  const loss = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const logp = tf.logSoftmax(x as tf.Tensor2D); // (N, V)
    save([logp]);
    const flatIndex = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(vocab, 'int32')), targets); // (N) index into (N*V)
    const picked = tf.gather(tf.reshape(logp, [-1]), flatIndex); // (N)
    let perToken = tf.neg(picked); // (N)
    if (eps > 0) perToken = tf.add(tf.mul(perToken, 1 - eps), tf.mul(tf.neg(tf.mean(logp, 1)), eps));
    const value = tf.div(tf.sum(tf.mul(perToken, mask)), normalizer) as tf.Scalar;
    if (options.perTokenSink) options.perTokenSink(tf.keep(tf.clone(perToken)) as tf.Tensor1D);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const probs = tf.exp(saved[0]!); // (N, V)
      // int32 then cast: the wasm backend's OneHot writes integer bits when asked for float32.
      let target: tf.Tensor = tf.cast(tf.oneHot(targets, vocab), 'float32'); // (N, V)
      if (eps > 0) target = tf.add(tf.mul(target, 1 - eps), eps / vocab);
      const weights = tf.reshape(tf.div(mask, normalizer), [-1, 1]); // (N, 1)
      return tf.mul(tf.mul(tf.sub(probs, target), weights), dy);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Scalar>>[0]);
  return loss(logits) as tf.Scalar;
}
