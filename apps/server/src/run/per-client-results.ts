// Splits a fused server step's results per client on the device: each client's rows and positions of the gradient at
// the cut, rescaled to be the gradient of its own mean loss, and its mean loss. Only what travels or is reported is
// read back: one gradient per client and one small vector of losses.
import * as tf from '@tensorflow/tfjs-core';

/** The parts of a client's step input this needs: its batch, its sequence length and its counted tokens. */
export interface ClientRows {
  batch: number;
  seqLen: number;
  tokens: number;
}

export interface ClientResult {
  loss: number;
  /** Gradient of this client's own mean loss w.r.t. its activations (batch, seqLen, E). */
  gradient: Float32Array;
}

/**
 * gradHidden (rows, T, E) is the gradient of the mean loss over all `total` tokens; perToken and mask (rows·T) are
 * the per-token losses and the loss mask. Clients occupy consecutive rows in `clients` order.
 */
export async function perClientResults(
  clients: readonly ClientRows[], gradHidden: tf.Tensor3D, perToken: tf.Tensor1D, mask: tf.Tensor1D, total: number,
): Promise<ClientResult[]> {
  const [rows, T, E] = gradHidden.shape;
  const { gradients, losses } = tf.tidy(() => {
    const masked = tf.reshape(tf.mul(perToken, mask), [rows, T]);
    const gradients: tf.Tensor[] = [];
    const sums: tf.Tensor[] = [];
    let row = 0;
    for (const client of clients) {
      const whole = row === 0 && client.batch === rows && client.seqLen === T;
      const own = whole ? gradHidden : tf.slice(gradHidden, [row, 0, 0], [client.batch, client.seqLen, E]);
      gradients.push(client.tokens === total ? tf.clone(own) : tf.mul(own, total / client.tokens)); // (batch, seqLen, E)
      sums.push(tf.sum(tf.slice(masked, [row, 0], [client.batch, client.seqLen])));
      row += client.batch;
    }
    return { gradients, losses: tf.div(tf.stack(sums), tf.tensor1d(clients.map((c) => c.tokens))) };
  });
  try {
    const out: ClientResult[] = [];
    for (const gradient of gradients) out.push({ gradient: (await gradient.data()) as Float32Array, loss: 0 });
    const lossValues = await losses.data();
    out.forEach((result, i) => (result.loss = lossValues[i]!));
    return out;
  } finally {
    tf.dispose([...gradients, losses]);
  }
}
