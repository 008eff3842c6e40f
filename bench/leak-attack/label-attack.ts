// Label recovery in the u-shaped layout with tailCut = L: the tab's tail is ln_f and the tied head, both frozen and
// known to the server. For a counted position with output x, p = softmax(W·LN(x)) is computable, and the gradient the
// tab sends is g = (1/σ)·P·(γ ⊙ Wᵀ(p − e_y))/N, with P = I − 11ᵀ/E − x̂x̂ᵀ/E (ln_f's Jacobian) and N the counted positions
// of the batch (the rows with a non-zero gradient). So r = P(γ ⊙ Wᵀp) − σ·N·g = P·a_y with a_v = γ ⊙ W[v], and the
// label is argmin_v ‖P·a_v − r‖² = ‖a_v‖² − (Σa_v)²/E − (x̂·a_v)²/E − 2⟨a_v, r⟩ (P is a projection and Pr = r).
import * as tf from '@tensorflow/tfjs-core';
import type { Recovery } from './recovery.js';
import type { UShapedStepView } from './u-shaped-view.js';

const CHUNK = 64;

/** Top-5 label guesses at every position with a non-zero gradient, scored against the tab's targets. */
export function recoverLabels(views: readonly UShapedStepView[], head: { wte: tf.Tensor2D; gamma: Float32Array; beta: Float32Array; epsilon: number }): Recovery {
  const [V, E] = head.wte.shape;
  const out: Recovery = { positions: 0, exact: 0, top5: 0, searchedHits: null };
  const a = tf.tidy(() => tf.mul(head.wte, tf.tensor1d(head.gamma))); // (V, E): a_v = γ ⊙ W[v]
  const aNorm = tf.tidy(() => tf.sum(tf.square(a), 1)); // (V)
  const aSum = tf.tidy(() => tf.sum(a, 1)); // (V)
  try {
    for (const view of views) {
      const rows: number[] = [];
      for (let r = 0; r < view.batch * view.seqLen; r++) {
        if (view.gradient.subarray(r * E, (r + 1) * E).some((v) => v !== 0)) rows.push(r);
      }
      const n = rows.length; // the batch's counted positions: the loss normalizer N
      for (let c = 0; c < rows.length; c += CHUNK) {
        const chunk = rows.slice(c, c + CHUNK);
        const xHat = new Float32Array(chunk.length * E);
        const sigma = new Float32Array(chunk.length);
        const normed = new Float32Array(chunk.length * E);
        chunk.forEach((r, i) => {
          const x = view.output.subarray(r * E, (r + 1) * E);
          const mean = x.reduce((s, v) => s + v, 0) / E;
          const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / E;
          sigma[i] = Math.sqrt(variance + head.epsilon);
          for (let e = 0; e < E; e++) {
            xHat[i * E + e] = (x[e]! - mean) / sigma[i]!;
            normed[i * E + e] = xHat[i * E + e]! * head.gamma[e]! + head.beta[e]!;
          }
        });
        const guesses = tf.tidy(() => {
          const xh = tf.tensor2d(xHat, [chunk.length, E]);
          const p = tf.softmax(tf.matMul(tf.tensor2d(normed, [chunk.length, E]), head.wte, false, true)); // (n, V)
          const u = tf.mul(tf.matMul(p, head.wte), tf.tensor1d(head.gamma)); // γ ⊙ Wᵀp, (n, E)
          const project = (m: tf.Tensor) => tf.sub(tf.sub(m, tf.mean(m, 1, true)), tf.mul(xh, tf.div(tf.sum(tf.mul(m, xh), 1, true), E)));
          const g = tf.tensor2d(Float32Array.from(chunk.flatMap((r) => Array.from(view.gradient.subarray(r * E, (r + 1) * E)))), [chunk.length, E]);
          const r = tf.sub(project(u), tf.mul(g, tf.mul(tf.tensor2d(sigma, [chunk.length, 1]), n))); // (n, E)
          const ar = tf.matMul(r, a, false, true); // (n, V)
          const ax = tf.matMul(xh, a, false, true); // (n, V)
          const score = tf.sub(tf.sub(tf.sub(aNorm, tf.div(tf.square(aSum), E)), tf.div(tf.square(ax), E)), tf.mul(ar, 2));
          return tf.topk(tf.neg(score), Math.min(5, V)).indices;
        });
        const top = guesses.dataSync();
        guesses.dispose();
        chunk.forEach((row, i) => {
          const target = view.targets[row]!;
          if (view.mask[row] !== 1) throw new Error(`position ${row} has a gradient but no loss mask`);
          out.positions += 1;
          if (top[i * 5] === target) out.exact += 1;
          if (Array.from(top.subarray(i * 5, i * 5 + 5)).includes(target)) out.top5 += 1;
        });
      }
    }
  } finally {
    tf.dispose([a, aNorm, aSum]);
  }
  return out;
}
