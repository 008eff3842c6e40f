// The chunked tied-head cross-entropy: any chunk size gives the same loss, per-token losses and gradients (w.r.t.
// the hidden state, and w.r.t. wte when asked) as one chunk and as the plain softmax cross-entropy of tfjs;
// forward-only gives the same loss; nothing leaks.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import { tiedHeadCrossEntropy } from './head-loss.js';

const N = 13;
const E = 6;
const V = 11;

function inputs() {
  const h = tf.randomNormal([N, E], 0, 1, 'float32', 3) as tf.Tensor2D;
  const wte = tf.randomNormal([V, E], 0, 0.5, 'float32', 4) as tf.Tensor2D;
  const targets = tf.tensor1d(Array.from({ length: N }, (_, i) => (i * 7) % V), 'int32');
  const mask = tf.tensor1d(Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 0 : 1)));
  return { h, wte, targets, mask };
}

/** Loss and d(loss)/dh of the head with `chunkElements` (or tfjs' own softmax cross-entropy when null). */
async function lossAndGrad(chunkElements: number | null, eps: number): Promise<{ loss: number; grad: Float32Array; perToken: Float32Array | null }> {
  const { h, wte, targets, mask } = inputs();
  const normalizer = 9;
  let perToken: tf.Tensor1D | null = null;
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
    if (chunkElements !== null) {
      return tiedHeadCrossEntropy(x as tf.Tensor2D, wte, null, targets, mask, normalizer, { labelSmoothing: eps, chunkElements, perTokenSink: (t) => (perToken = t) });
    }
    const logits = tf.matMul(x as tf.Tensor2D, wte, false, true);
    const onehot = tf.tensor2d(Array.from({ length: N * V }, (_, k) => (k % V === (Math.floor(k / V) * 7) % V ? 1 : 0)), [N, V]);
    const smoothed = tf.add(tf.mul(onehot, 1 - eps), eps / V);
    const perRow = tf.neg(tf.sum(tf.mul(smoothed, tf.logSoftmax(logits)), 1));
    return tf.div(tf.sum(tf.mul(perRow, mask)), normalizer) as tf.Scalar;
  })(h);
  const result = { loss: (await value.data())[0]!, grad: (await grad.data()) as Float32Array, perToken: perToken === null ? null : ((await (perToken as tf.Tensor1D).data()) as Float32Array) };
  tf.dispose([h, wte, targets, mask, value, grad, ...(perToken === null ? [] : [perToken])]);
  return result;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  describe(`tied head cross-entropy in chunks on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    for (const eps of [0, 0.1]) {
      it(`equals tfjs' softmax cross-entropy for every chunk size (label smoothing ${eps})`, async () => {
        const before = tf.memory().numTensors;
        const reference = await lossAndGrad(null, eps);
        const whole = await lossAndGrad(N * V, eps);
        for (const rows of [1, 2, 5, N - 1]) {
          const chunked = await lossAndGrad(rows * V, eps);
          expect(Math.abs(chunked.loss - reference.loss)).toBeLessThan(1e-5);
          expect(maxAbsDiff(chunked.grad, reference.grad)).toBeLessThan(1e-5);
          expect(maxAbsDiff(chunked.perToken!, whole.perToken!)).toBeLessThan(1e-5);
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    for (const eps of [0, 0.1]) {
      it(`differentiates w.r.t. wte as tfjs' own softmax cross-entropy does, in any chunk size (label smoothing ${eps})`, async () => {
        const { h, wte, targets, mask } = inputs();
        const onehot = tf.oneHot(targets, V);
        const before = tf.memory().numTensors;
        const reference = tf.grads((x: tf.Tensor, w: tf.Tensor) => {
          const smoothed = tf.add(tf.mul(onehot, 1 - eps), eps / V);
          const perRow = tf.neg(tf.sum(tf.mul(smoothed, tf.logSoftmax(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false, true))), 1));
          return tf.div(tf.sum(tf.mul(perRow, mask)), 9) as tf.Scalar;
        })([h, wte]);
        for (const rows of [1, 4, N]) {
          const ours = tf.grads((x: tf.Tensor, w: tf.Tensor) => tiedHeadCrossEntropy(x as tf.Tensor2D, w as tf.Tensor2D, tf.transpose(w) as tf.Tensor2D, targets, mask, 9, {
            labelSmoothing: eps, chunkElements: rows * V, wteGradient: true,
          }))([h, wte]);
          expect(maxAbsDiff(await ours[0]!.data() as Float32Array, await reference[0]!.data() as Float32Array)).toBeLessThan(1e-5);
          expect(maxAbsDiff(await ours[1]!.data() as Float32Array, await reference[1]!.data() as Float32Array)).toBeLessThan(1e-5);
          tf.dispose(ours);
        }
        tf.dispose(reference);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([h, wte, targets, mask, onehot]);
      });
    }

    it('with a log-k logit bias, a table whose last row stands for k tied tokens equals the full table exactly', async () => {
      const { h, wte, targets, mask } = inputs();
      const kept = 7; // rows 7..10 of the full table are tied: one shared row in the reduced table, bias log 4
      const tied = V - kept;
      const shared = tf.slice(wte, [kept, 0], [1, E]);
      const full = tf.concat([tf.slice(wte, [0, 0], [kept, E]), tf.tile(shared, [tied, 1])]) as tf.Tensor2D;
      const reduced = tf.concat([tf.slice(wte, [0, 0], [kept, E]), shared]) as tf.Tensor2D;
      const bias = tf.tensor1d([...new Array<number>(kept).fill(0), Math.log(tied)]);
      const reducedTargets = tf.minimum(targets, tf.scalar(kept, 'int32')) as tf.Tensor1D;
      const lossAndGrads = (w: tf.Tensor2D, t: tf.Tensor1D, logitBias?: tf.Tensor1D) => tf.valueAndGrads((x: tf.Tensor, ww: tf.Tensor) =>
        tiedHeadCrossEntropy(x as tf.Tensor2D, ww as tf.Tensor2D, null, t, mask, 9, { chunkElements: 5 * V, wteGradient: true, logitBias }))([h, w]);
      const a = lossAndGrads(full, targets);
      const b = lossAndGrads(reduced, reducedTargets, bias);
      expect(Math.abs((await a.value.data())[0]! - (await b.value.data())[0]!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(await a.grads[0]!.data() as Float32Array, await b.grads[0]!.data() as Float32Array)).toBeLessThan(1e-5);
      const fullWteGrad = a.grads[1]!;
      const folded = tf.concat([tf.slice(fullWteGrad, [0, 0], [kept, E]), tf.sum(tf.slice(fullWteGrad, [kept, 0], [tied, E]), 0, true)]);
      expect(maxAbsDiff(await folded.data() as Float32Array, await b.grads[1]!.data() as Float32Array)).toBeLessThan(1e-5);
      tf.dispose([h, wte, targets, mask, shared, full, reduced, bias, reducedTargets, a.value, b.value, ...a.grads, ...b.grads, folded]);
    });

    it('gives the same loss forward-only, without leaking', async () => {
      const { h, wte, targets, mask } = inputs();
      const wteT = tf.transpose(wte) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const full = tf.tidy(() => tiedHeadCrossEntropy(h, wte, null, targets, mask, 9, { chunkElements: 3 * V }));
      const forward = tiedHeadCrossEntropy(h, wte, wteT, targets, mask, 9, { chunkElements: 4 * V, forwardOnly: true });
      expect(Math.abs((await forward.data())[0]! - (await full.data())[0]!)).toBeLessThan(1e-5);
      tf.dispose([full, forward]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([h, wte, wteT, targets, mask]);
    });
  });
}
