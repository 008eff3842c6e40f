// Row lookup (the token embedding) with a hand-written gradient: the gradient of tf.gather is UnsortedSegmentSum,
// which the wasm backend lacks, so rows are gathered forward and their gradients scattered back with ScatterNd
// (which every backend has and which sums repeated ids).
import * as tf from '@tensorflow/tfjs-core';

/** table (V, E), ids (B, T) int32 → rows (B, T, E); d(table) = Σ over positions of d(rows) at each position's id. */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D {
  const [V, E] = table.shape;
  const lookup = tf.customGrad(((t: tf.Tensor) => ({
    value: tf.gather(t, ids), // (B, T, E)
    gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.reshape(ids, [-1, 1]), tf.reshape(dy, [-1, E]), [V, E]), // (V, E)
  })) as unknown as Parameters<typeof tf.customGrad<tf.Tensor3D>>[0]);
  return lookup(table) as tf.Tensor3D;
}
