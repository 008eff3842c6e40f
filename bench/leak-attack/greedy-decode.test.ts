// Prefix-conditioned greedy decoding recovers every token when the received activations come from the same frozen
// blocks (fp32, no adapter), over the whole vocabulary in chunks or from a shortlist holding the truth.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, gpt2Config, gpt2Forward, initGpt2Params, namedToTensors } from '@splitlora/core';
import { useBackend } from '../../packages/core/src/test-support/backend.js';
import { greedyDecode, greedyPositions } from './greedy-decode.js';
import type { ServerView } from './server-view.js';

const config = gpt2Config('tiny', { vocab_size: 97, n_embd: 32, n_layer: 4, n_head: 4, n_positions: 16, bos_token_id: 96, eos_token_id: 96 });

describe('greedyDecode', () => {
  beforeAll(() => useBackend('cpu'));

  const B = 3;
  const T = 6;
  const lengths = [6, 4, 5];
  const rng = createRng(11);
  const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng() * 97));

  function viewAt(ctx: Parameters<typeof gpt2Forward>[0], cut: number): ServerView {
    const values = tf.tidy(() => gpt2Forward(ctx, tf.tensor2d(ids, [B, T], 'int32'), { from: 0, to: cut }).dataSync() as Float32Array);
    return { layout: 'standard', cut, activations: { shape: [B, T, 32], values }, lengths };
  }

  it('recovers every token over the whole vocabulary, in candidate chunks', async () => {
    const params = namedToTensors(initGpt2Params(config, 2));
    const ctx = { config, params, lora: null, dropoutSeed: null };
    const view = viewAt(ctx, 2);
    const before = tf.memory().numTensors;
    const guesses = await greedyDecode(ctx, view, { rows: [0, 1, 2], shortlists: null, maxCandidates: 40, k: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(guesses.positions)).toEqual(Array.from(greedyPositions(view, [0, 1, 2])));
    expect(guesses.positions.length).toBe(15);
    guesses.positions.forEach((p, i) => expect(guesses.topK[i * 3]).toBe(ids[p]));
    tf.dispose(Object.values(params));
  });

  it('decodes the chosen rows from shortlists, and misses a token the shortlist lacks', async () => {
    const params = namedToTensors(initGpt2Params(config, 2));
    const ctx = { config, params, lora: null, dropoutSeed: null };
    const view = viewAt(ctx, 3);
    const positions = greedyPositions(view, [2, 0]);
    const K = 4;
    const shortlist = new Int32Array(positions.length * K);
    positions.forEach((p, i) => shortlist.set([(ids[p]! + 1) % 97, (ids[p]! + 2) % 97, ids[p]!, (ids[p]! + 3) % 97], i * K));
    shortlist.set([1, 2, 3, 4].map((d) => (ids[positions[1]!]! + d) % 97), K); // the truth is missing at the second position of row 2
    const guesses = await greedyDecode(ctx, view, { rows: [2, 0], shortlists: { k: K, ids: shortlist }, maxCandidates: 8, k: 2 });
    const hits = Array.from(guesses.positions, (p, i) => guesses.topK[i * 2] === ids[p]);
    expect(hits[1]).toBe(false);
    expect(hits.filter((h, i) => i !== 1).every(Boolean)).toBe(true); // later positions of row 2 still decode (the prefix is wrong, yet nearest)
    tf.dispose(Object.values(params));
  });
});
