// The server's step in the u-shaped layout: it holds only blocks [cut, tailCut). The forward runs them on a client's
// cut activations and returns their output; the backward recomputes that forward (same dropout masks), pulls the
// client's gradient of the output back through it, steps the adapter (clip, AdamW) and returns the gradient at the cut.
import * as tf from '@tensorflow/tfjs-core';
import { clipScale, disposeNamed, globalNorm, learningRateAt, middleForward, middleGrads, scaleGradsInPlace } from '@splitlora/core';
import type { RunConfig } from '@splitlora/protocol';
import type { ServerSplit } from './server-split.js';

/** One client's cut activations as the server keeps them between its forward and its backward. */
export interface MiddleInput {
  clientId: string;
  hidden: Float32Array;
  shape: [number, number, number];
  /** Seed of the server blocks' LoRA dropout; null for evaluation. */
  dropoutSeed: number | null;
}

/** Output of the server's blocks (B, T, E) for these activations, with the client's current server adapter. */
export async function runMiddleForward(split: ServerSplit, input: MiddleInput): Promise<Float32Array> {
  const { adapter } = split.trainerFor(input.clientId);
  const out = tf.tidy(() => middleForward(split.serverModel, adapter, tf.tensor3d(input.hidden, input.shape), split.plan, input.dropoutSeed));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Backward of the server's blocks and one optimizer step; returns the gradient at the cut (B, T, E). */
export async function runMiddleBackward(split: ServerSplit, run: RunConfig, input: MiddleInput, gradOutput: Float32Array, globalStep: number): Promise<Float32Array> {
  const owner = split.trainerFor(input.clientId);
  const h = tf.tensor3d(input.hidden, input.shape);
  const g = tf.tensor3d(gradOutput, input.shape);
  const { gradHidden, grads } = middleGrads(split.serverModel, owner.adapter, h, split.plan, input.dropoutSeed, g);
  tf.dispose([h, g]);
  try {
    if (run.maxGradNorm > 0) scaleGradsInPlace(grads, clipScale(await globalNorm(grads), run.maxGradNorm));
    const lr = learningRateAt({ lr: run.lr, warmupSteps: run.warmupSteps, totalSteps: run.rounds * run.localSteps, kind: run.schedule }, globalStep);
    owner.optimizer.apply(owner.adapter.tensors, grads, lr);
    owner.tokens += input.shape[0] * input.shape[1];
    return (await gradHidden.data()) as Float32Array;
  } finally {
    gradHidden.dispose();
    disposeNamed(grads);
  }
}
