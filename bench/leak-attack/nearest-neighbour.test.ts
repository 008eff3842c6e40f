// Nearest-neighbour matching: exact recovery when the activations are the table rows themselves, and the right
// order of the k nearest.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '@splitlora/core';
import { useBackend } from '../../packages/core/src/test-support/backend.js';
import { NearestTable } from './nearest-neighbour.js';

describe('NearestTable', () => {
  beforeAll(() => useBackend('cpu'));

  it('recovers every token exactly when the activations are the embeddings themselves', async () => {
    const V = 300;
    const E = 16;
    const embeddings = tf.tensor2d(normalSamples(createRng(3), V * E, 0.02), [V, E]);
    const tokens = Int32Array.from({ length: 500 }, (_, i) => (i * 37) % V);
    const queries = tf.gather(embeddings, tf.tensor1d(tokens, 'int32')) as tf.Tensor2D;
    const table = new NearestTable(embeddings);
    const got = await table.nearest(queries, 3);
    expect(got.length).toBe(500 * 3);
    expect(Array.from(tokens, (_, i) => got[i * 3])).toEqual(Array.from(tokens));
    table.dispose();
    tf.dispose([embeddings, queries]);
  });

  it('orders the k nearest by distance, across several chunks of queries', async () => {
    const rows = tf.tensor2d([[0, 0], [1, 0], [3, 0], [10, 0]], [4, 2]);
    const table = new NearestTable(rows, 8); // 2 queries per chunk
    const queries = tf.tensor2d([[2.1, 0], [9, 5], [-1, 0], [0.4, 0], [2.2, 0.1]], [5, 2]);
    const got = await table.nearest(queries, 3);
    expect(Array.from(got)).toEqual([2, 1, 0, 3, 2, 1, 0, 1, 2, 0, 1, 2, 2, 1, 0]);
    table.dispose();
    tf.dispose([rows, queries]);
  });
});
