// What one more row chunk of the tied head costs in kernels: the head's loss and gradient counted over N rows in one
// chunk and in two. A server step's other kernels do not depend on the batch shape, so a step at B×T has the counts
// of a small step plus (chunks(B·T) − chunks(small)) times this.
import { HEAD_CHUNK_ELEMENTS, tiedHeadCrossEntropy } from '@splitlora/core';
import * as tf from '@tensorflow/tfjs-core';
import { countKernels, type KernelCount } from './kernel-count.js';

export interface ChunkCost {
  engineKernels: number;
  dispatches: number | null;
}

/** Chunks of the head for `rows` rows and a vocabulary of `vocab` (as tiedHeadCrossEntropy splits them). */
export function headChunks(rows: number, vocab: number): number {
  return Math.ceil(rows / Math.max(1, Math.floor(HEAD_CHUNK_ELEMENTS / vocab)));
}

async function countHead(rows: number, rowsPerChunk: number, labelSmoothing: number): Promise<KernelCount> {
  const [V, E] = [64, 8];
  const h = tf.randomNormal([rows, E]) as tf.Tensor2D;
  const wte = tf.randomNormal([V, E]) as tf.Tensor2D;
  const targets = tf.tensor1d(Array.from({ length: rows }, (_, i) => i % V), 'int32');
  const mask = tf.ones([rows]) as tf.Tensor1D;
  const run = async () => {
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tiedHeadCrossEntropy(x as tf.Tensor2D, wte, null, targets, mask, rows, { labelSmoothing, chunkElements: rowsPerChunk * V }))(h);
    await value.data();
    await grad.data();
    tf.dispose([value, grad]);
  };
  try {
    await run(); // compiles the shaders
    return await countKernels(run);
  } finally {
    tf.dispose([h, wte, targets, mask]);
  }
}

/** Kernels of one more chunk with the active flags and the step's label smoothing (ε > 0 adds ops per chunk). */
export async function headChunkCost(labelSmoothing: number): Promise<ChunkCost> {
  const [one, two] = [await countHead(32, 32, labelSmoothing), await countHead(64, 32, labelSmoothing)];
  return {
    engineKernels: two.engineKernels - one.engineKernels,
    dispatches: one.dispatches === null || two.dispatches === null ? null : two.dispatches - one.dispatches,
  };
}
