// Rows of a trained table that stand for several identical copies (e.g. one embedding row for every token a corpus
// never uses): training the tied row must equal training each copy, so its gradient is divided by the number of
// copies (one copy's gradient) and counted that many times in the clipping norm.
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../../errors.js';
import type { NamedTensors } from '../../tensors/named-tensors.js';

export interface TiedRows {
  /** The trained table (rows along axis 0), e.g. transformer.wte.weight. */
  name: string;
  /** Copies each row stands for (1 for an ordinary row), one entry per row. */
  multiplicity: Float32Array;
}

/** Replaces the table's gradient by one copy's gradient (row r divided by multiplicityᵣ); disposes the old one. */
export function perCopyGradient(grads: NamedTensors, tied: TiedRows): void {
  const grad = grads[tied.name];
  if (grad === undefined) fail('config', `tied rows: ${tied.name} is not trained`);
  if (grad.shape[0] !== tied.multiplicity.length) {
    fail('config', `tied rows: ${tied.name} has ${grad.shape[0]} rows, the multiplicity ${tied.multiplicity.length} entries`);
  }
  grads[tied.name] = tf.tidy(() => tf.div(grad, tf.reshape(tf.tensor1d(tied.multiplicity), [-1, 1])));
  grad.dispose();
}

/** Squared global norm as if every copy were its own row: Σ over other tensors ‖g‖², plus Σᵣ multiplicityᵣ ‖gᵣ‖². */
export function normSquaredWithCopies(grads: NamedTensors, tied: TiedRows): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const [name, g] of Object.entries(grads)) {
      const squares = tf.square(g);
      total = tf.add(total, tf.sum(name === tied.name ? tf.mul(squares, tf.reshape(tf.tensor1d(tied.multiplicity), [-1, 1])) : squares));
    }
    return total;
  });
}
