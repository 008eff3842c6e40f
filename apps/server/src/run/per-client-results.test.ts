// The device-side split of a fused server step equals the host loop it replaced (kept here as the reference): each
// client gets its rows and positions of the gradient, rescaled to its own mean loss, and its own mean loss.
import { selectNodeBackend } from '@splitlora/node';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ClientRows, perClientResults } from './per-client-results.js';

/** The loop ServerSplit.step ran on the host before. */
function reference(clients: readonly ClientRows[], gradAll: Float32Array, losses: Float32Array, mask: Float32Array, T: number, E: number, total: number) {
  let row = 0;
  return clients.map((input) => {
    const scale = total / input.tokens;
    const gradient = new Float32Array(input.batch * input.seqLen * E);
    let lossSum = 0;
    for (let b = 0; b < input.batch; b++, row++) {
      for (let s = 0; s < input.seqLen; s++) {
        const src = (row * T + s) * E;
        const dst = (b * input.seqLen + s) * E;
        for (let e = 0; e < E; e++) gradient[dst + e] = gradAll[src + e]! * scale;
        lossSum += losses[row * T + s]! * mask[row * T + s]!;
      }
    }
    return { loss: lossSum / input.tokens, gradient };
  });
}

for (const backend of ['cpu', 'webgpu'] as const) {
  describe(`perClientResults on ${backend}`, () => {
    it('matches the host loop for one client and for three fused clients of different shapes', async () => {
      await selectNodeBackend(backend);
      const E = 6;
      for (const clients of [[{ batch: 2, seqLen: 5, tokens: 7 }], [{ batch: 2, seqLen: 5, tokens: 7 }, { batch: 1, seqLen: 3, tokens: 2 }, { batch: 3, seqLen: 4, tokens: 9 }]]) {
        const rows = clients.reduce((s, c) => s + c.batch, 0);
        const T = Math.max(...clients.map((c) => c.seqLen));
        const total = clients.reduce((s, c) => s + c.tokens, 0);
        const gradAll = Float32Array.from({ length: rows * T * E }, (_, i) => Math.sin(i) * 1e-3);
        const losses = Float32Array.from({ length: rows * T }, (_, i) => 1 + (i % 7) / 3);
        const mask = Float32Array.from({ length: rows * T }, (_, i) => (i % 3 === 0 ? 0 : 1));
        const before = tf.memory().numTensors;
        const g = tf.tensor3d(gradAll, [rows, T, E]);
        const p = tf.tensor1d(losses);
        const m = tf.tensor1d(mask);
        const got = await perClientResults(clients, g, p, m, total);
        tf.dispose([g, p, m]);
        expect(tf.memory().numTensors).toBe(before);
        const expected = reference(clients, gradAll, losses, mask, T, E, total);
        got.forEach((r, i) => {
          expect(r.gradient.length).toBe(expected[i]!.gradient.length);
          r.gradient.forEach((v, j) => expect(Math.abs(v - expected[i]!.gradient[j]!)).toBeLessThanOrEqual(Math.abs(expected[i]!.gradient[j]!) * 1e-6));
          expect(r.loss).toBeCloseTo(expected[i]!.loss, 5);
        });
      }
    });
  });
}
