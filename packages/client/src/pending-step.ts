// A split step between its forward and its backward: the batch, its dropout seed, and the frames sent to the server
// (the cut activations in the run's wire precision, the next-token targets and the loss mask).
import type { TokenBatch } from '@splitlora/core';
import { encodeFloatFrame, encodeIntFrame, type TensorFrame } from '@splitlora/protocol';

export interface PendingStep {
  batch: TokenBatch;
  dropoutSeed: number;
  activations: TensorFrame;
  targets: TensorFrame;
  lossMask: TensorFrame;
  /** With activation noise: each example's clip factor, applied to the gradient that comes back; else null or absent. */
  clipScales?: Float32Array | null;
}

/** The step's next-token targets (uint16, int32 for vocabularies past 65536) and loss mask as frames. */
export function labelFrames(batch: TokenBatch, vocabSize: number): { targets: TensorFrame; lossMask: TensorFrame } {
  return {
    targets: encodeIntFrame('targets', [batch.targets.length], batch.targets, vocabSize > 65536 ? 'int32' : 'uint16'),
    lossMask: encodeIntFrame('lossMask', [batch.lossMask.length], batch.lossMask, 'uint8'),
  };
}

export function pendingStep(
  batch: TokenBatch, dropoutSeed: number, hidden: { shape: number[]; values: Float32Array }, wireDtype: 'float16' | 'float32', vocabSize: number,
): PendingStep {
  return {
    batch,
    dropoutSeed,
    activations: encodeFloatFrame('activations', hidden.shape, hidden.values, wireDtype),
    ...labelFrames(batch, vocabSize),
  };
}
