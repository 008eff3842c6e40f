// Host token batches and their tensors: ids (B, T), next-token targets and a loss mask (B*T).
import * as tf from '@tensorflow/tfjs-core';

export interface TokenBatch {
  batchSize: number;
  seqLen: number;
  /** Input token ids, row-major (B, T). */
  inputIds: Int32Array;
  /** The token each position must predict, row-major (B, T). */
  targets: Int32Array;
  /** 1 where the position's target counts towards the loss, else 0. */
  lossMask: Float32Array;
  /** Number of counted positions (sum of lossMask). */
  tokens: number;
}

export interface BatchTensors {
  ids: tf.Tensor2D;
  targets: tf.Tensor1D;
  mask: tf.Tensor1D;
  dispose(): void;
}

export function batchTensors(batch: TokenBatch): BatchTensors {
  const ids = tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32');
  const targets = tf.tensor1d(batch.targets, 'int32');
  const mask = tf.tensor1d(batch.lossMask, 'float32');
  return { ids, targets, mask, dispose: () => tf.dispose([ids, targets, mask]) };
}
