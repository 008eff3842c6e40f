// The keys and values of every block for the tokens decoded so far, so the next step attends to them without
// recomputing them, plus each row's left padding (prompts of different lengths decoded together). One owner: each
// step's new cache replaces (and disposes) the old one.
import * as tf from '@tensorflow/tfjs-core';

export interface LayerKv {
  /** (B, nh, T, hs) */
  k: tf.Tensor4D;
  /** (B, nh, T, hs) */
  v: tf.Tensor4D;
}

export class KvCache {
  /**
   * @param length cached positions per row (padding included)
   * @param padding per row, how many of the first positions are left padding (never attended to)
   */
  constructor(readonly layers: readonly LayerKv[], readonly length: number, readonly padding: readonly number[]) {}

  /** Rows of the batch by index (beam search's reordering); a new cache the caller owns. */
  select(rows: readonly number[]): KvCache {
    const layers = tf.tidy(() => {
      const index = tf.tensor1d(rows as number[], 'int32');
      return this.layers.map(({ k, v }) => ({ k: tf.gather(k, index) as tf.Tensor4D, v: tf.gather(v, index) as tf.Tensor4D }));
    });
    return new KvCache(layers, this.length, rows.map((r) => this.padding[r]!));
  }

  tensors(): tf.Tensor[] {
    return this.layers.flatMap(({ k, v }) => [k, v]);
  }

  dispose(): void {
    tf.dispose(this.tensors());
  }
}
