// The inversion decoder learns an invertible toy mapping (a fixed random rotation and shift of the token embeddings
// plus a little noise) from examples, and ranks the right token first for held-out positions.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '@splitlora/core';
import { useBackend } from '../../packages/core/src/test-support/backend.js';
import { InversionModel } from './inversion-model.js';

const V = 400;
const E = 16;

/** Tokens → activations = embeddings · M + shift + noise, with M a random (invertible) mixing matrix. */
function toyActivations(embeddings: tf.Tensor2D, tokens: Int32Array, mixing: tf.Tensor2D, seed: number): Float32Array {
  return tf.tidy(() => {
    const clean = tf.add(tf.matMul(tf.gather(embeddings, tf.tensor1d(tokens, 'int32')), mixing), 0.3);
    return tf.add(clean, tf.tensor2d(normalSamples(createRng(seed), tokens.length * E, 0.0005), [tokens.length, E])).dataSync() as Float32Array;
  });
}

describe('InversionModel', () => {
  beforeAll(() => useBackend('wasm'));

  it('learns an invertible toy mapping and recovers held-out tokens', async () => {
    const embeddings = tf.tensor2d(normalSamples(createRng(1), V * E, 0.02), [V, E]);
    const mixing = tf.tensor2d(normalSamples(createRng(2), E * E, 1), [E, E]);
    const rng = createRng(3);
    const trainTokens = Int32Array.from({ length: 4000 }, () => Math.floor(rng() * V));
    const testTokens = Int32Array.from({ length: 500 }, () => Math.floor(rng() * V));
    const before = tf.memory().numTensors;
    const model = InversionModel.fit(toyActivations(embeddings, trainTokens, mixing, 4), trainTokens, embeddings, {
      hidden: 32, steps: 300, batch: 128, negatives: 64, lr: 3e-2, seed: 5,
    });
    const queries = tf.tensor2d(toyActivations(embeddings, testTokens, mixing, 6), [500, E]);
    const top = await model.topK(queries, 5);
    const exact = Array.from(testTokens).filter((t, i) => top[i * 5] === t).length / 500;
    console.log(`toy inversion: ${(exact * 100).toFixed(1)} % exact on held-out positions`);
    expect(exact).toBeGreaterThan(0.95);
    queries.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([embeddings, mixing]);
  });

  it('stays near chance when the activations carry no information about the tokens', async () => {
    const embeddings = tf.tensor2d(normalSamples(createRng(1), V * E, 0.02), [V, E]);
    const rng = createRng(7);
    const tokens = Int32Array.from({ length: 2000 }, () => Math.floor(rng() * V));
    const model = InversionModel.fit(normalSamples(createRng(8), 2000 * E, 1), tokens, embeddings, { hidden: 32, steps: 100, batch: 128, negatives: 64, lr: 1e-2, seed: 5 });
    const testTokens = Int32Array.from({ length: 500 }, () => Math.floor(rng() * V));
    const queries = tf.tensor2d(normalSamples(createRng(9), 500 * E, 1), [500, E]);
    const top = await model.topK(queries, 1);
    const exact = Array.from(testTokens).filter((t, i) => top[i] === t).length / 500;
    expect(exact).toBeLessThan(0.03); // chance is 1/400
    queries.dispose();
    model.dispose();
    embeddings.dispose();
  });
});
