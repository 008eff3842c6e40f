// gatherRows: the same rows as tf.gather, and on both backends the gradient tf.gather has on cpu (repeated ids summed).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import { gatherRows } from './gather-rows.js';

const table = () => tf.tensor2d(Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i)), [7, 3]);
const ids = () => tf.tensor2d([[1, 4, 1], [0, 6, 1]], [2, 3], 'int32');
const upstream = () => tf.tensor3d(Array.from({ length: 2 * 3 * 3 }, (_, i) => Math.cos(i)), [2, 3, 3]);

async function gatherGradOnCpu(): Promise<Float32Array> {
  await useBackend('cpu');
  const [t, i, dy] = [table(), ids(), upstream()];
  const [grad] = tf.grads((x: tf.Tensor) => tf.gather(x, i))([t], dy);
  const out = (await grad!.data()) as Float32Array;
  tf.dispose([t, i, dy, grad!]);
  return out;
}

describe('gatherRows', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals tf.gather and its cpu gradient on ${backend}`, async () => {
      const expected = await gatherGradOnCpu();
      await useBackend(backend);
      const [t, i, dy] = [table(), ids(), upstream()];
      const before = tf.memory().numTensors;
      const rows = gatherRows(t, i);
      const plain = tf.gather(t, i);
      expect(Array.from(await rows.data())).toEqual(Array.from(await plain.data()));
      const [grad] = tf.grads((x: tf.Tensor) => gatherRows(x as tf.Tensor2D, i))([t], dy);
      const ours = (await grad!.data()) as Float32Array;
      expect(ours.length).toBe(expected.length);
      ours.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 6));
      tf.dispose([rows, plain, grad!]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([t, i, dy]);
    });
  }
});
