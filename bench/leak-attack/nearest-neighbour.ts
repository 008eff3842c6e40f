// Nearest-neighbour matching of received activations against a table of reference activations (one row per
// vocabulary token): the k closest rows by Euclidean distance, in row chunks so no (N, V) tensor outgrows 32 MiB.
import * as tf from '@tensorflow/tfjs-core';

/** Elements of one chunk's (rows, V) distance matrix. */
const CHUNK_ELEMENTS = 1 << 23;

export class NearestTable {
  private readonly tableT: tf.Tensor2D;
  private readonly halfNorms: tf.Tensor2D;
  readonly size: number;

  /** Takes a copy of `table` (V, E); the caller keeps ownership of its tensor. chunkElements: tests force chunks. */
  constructor(table: tf.Tensor2D, private readonly chunkElements = CHUNK_ELEMENTS) {
    this.size = table.shape[0];
    this.tableT = tf.keep(tf.transpose(table)); // (E, V)
    this.halfNorms = tf.tidy(() => tf.reshape(tf.mul(tf.sum(tf.square(table), 1), 0.5), [1, -1])); // (1, V)
  }

  /** queries (N, E) → the k nearest row indices per query, nearest first, as (N, k) row-major. */
  async nearest(queries: tf.Tensor2D, k: number): Promise<Int32Array> {
    const [N] = queries.shape;
    const kk = Math.min(k, this.size);
    const rows = Math.max(1, Math.floor(this.chunkElements / this.size));
    const out = new Int32Array(N * kk);
    for (let start = 0; start < N; start += rows) {
      const size = Math.min(rows, N - start);
      // argmin ‖q − t‖² = argmax (q·t − ‖t‖²/2): the query's own norm does not change the order.
      const indices = tf.tidy(() => tf.topk(tf.sub(tf.matMul(tf.slice(queries, [start, 0], [size, -1]), this.tableT), this.halfNorms), kk).indices);
      out.set(await indices.data() as Int32Array, start * kk);
      indices.dispose();
    }
    return out;
  }

  dispose(): void {
    tf.dispose([this.tableT, this.halfNorms]);
  }
}
