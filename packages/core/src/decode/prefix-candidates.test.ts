// Candidates after cached prefixes equal the plain forward of (prefix + candidate) at the last position.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { namedToTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { initGpt2Params } from '../model/init-params.js';
import { buildPrefixCache, candidateHiddenStates, disposePrefixCache } from './prefix-candidates.js';

const config = gpt2Config('tiny', { vocab_size: 53, n_embd: 32, n_layer: 4, n_head: 4, n_positions: 16, bos_token_id: 52, eos_token_id: 52 });

describe('candidateHiddenStates', () => {
  beforeAll(() => useBackend('cpu'));

  const cases: { prefixes: number[][]; candidates: number[][] }[] = [
    { prefixes: [[]], candidates: [[0, 11, 52, 30]] },
    { prefixes: [[7]], candidates: [[0, 11, 52]] },
    { prefixes: [[3, 14, 15, 9, 2], [50, 1, 1, 8, 0]], candidates: [[0, 11, 52], [4, 4, 19]] },
  ];
  for (const { prefixes, candidates } of cases) {
    it(`matches gpt2Forward after each of 3 blocks (of 4): ${prefixes.length} prefix(es) of ${prefixes[0]!.length} tokens`, () => {
      const params = namedToTensors(initGpt2Params(config, 5));
      const ctx = { config, params, lora: null, dropoutSeed: null };
      const P = prefixes[0]!.length;
      const before = tf.memory().numTensors;
      const prefixIds = tf.tensor2d(prefixes.flat(), [prefixes.length, P], 'int32');
      const cache = buildPrefixCache(ctx, prefixIds, 3);
      const ids = tf.tensor2d(candidates.flat(), [candidates.length, candidates[0]!.length], 'int32');
      const states = candidateHiddenStates(ctx, cache, ids);
      tf.dispose([ids, prefixIds]);
      disposePrefixCache(cache);
      expect(states).toHaveLength(3);
      let worst = 0;
      for (let block = 0; block < 3; block++) {
        const got = states[block]!.arraySync() as number[][][];
        prefixes.forEach((prefix, s) => candidates[s]!.forEach((c, i) => {
          const want = tf.tidy(() => {
            const h = gpt2Forward(ctx, tf.tensor2d([[...prefix, c]], [1, P + 1], 'int32'), { from: 0, to: block + 1 });
            return tf.slice(h, [0, P, 0], [1, 1, config.n_embd]).reshape([-1]).arraySync() as number[];
          });
          want.forEach((w, e) => (worst = Math.max(worst, Math.abs(w - got[s]![i]![e]!))));
        }));
      }
      tf.dispose(states);
      expect(tf.memory().numTensors).toBe(before);
      console.log(`${prefixes.length} × prefix ${P}: max |Δ| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-5);
      tf.dispose(Object.values(params));
    });
  }

  it('rejects a block count outside the model and candidates that do not match the prefixes', () => {
    const params = namedToTensors(initGpt2Params(config, 5));
    const ctx = { config, params, lora: null, dropoutSeed: null };
    const prefix = tf.tensor2d([[1]], [1, 1], 'int32');
    expect(() => buildPrefixCache(ctx, prefix, 5)).toThrow(/blocks 5 out of range 1..4/);
    const cache = buildPrefixCache(ctx, prefix, 2);
    const twoRows = tf.tensor2d([[1], [2]], [2, 1], 'int32');
    expect(() => candidateHiddenStates(ctx, cache, twoRows)).toThrow(/2 rows of candidates for 1 cached prefixes/);
    disposePrefixCache(cache);
    tf.dispose([prefix, twoRows, ...Object.values(params)]);
  });
});
