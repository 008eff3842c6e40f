// Forward pass: shapes, causality, and split-equals-unsplit on a small random model.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { namedToTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { initGpt2Params } from './init-params.js';
import { gpt2Forward } from './gpt2-forward.js';

const config = gpt2Config('tiny', { vocab_size: 101, n_embd: 32, n_layer: 4, n_head: 4, n_positions: 16, bos_token_id: 100, eos_token_id: 100 });

describe('gpt2Forward', () => {
  beforeAll(() => useBackend('cpu'));

  it('returns logits of shape (B, T, V), and later tokens do not change earlier logits', () => {
    const params = namedToTensors(initGpt2Params(config, 1));
    const ctx = { config, params, lora: null, dropoutSeed: null };
    const [a, b] = tf.tidy(() => {
      const ids1 = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32');
      const ids2 = tf.tensor2d([[1, 2, 3, 9, 9]], [1, 5], 'int32');
      return [gpt2Forward(ctx, ids1), gpt2Forward(ctx, ids2)];
    });
    expect(a.shape).toEqual([1, 5, 101]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(a, [0, 0, 0], [1, 3, 101]), tf.slice(b, [0, 0, 0], [1, 3, 101])))).arraySync());
    expect(diff).toBe(0);
    tf.dispose([a, b, ...Object.values(params)]);
  });
});
