// The u-shaped label attack on a small random model: from the server's own outputs and the fp32 gradients the tab
// returns, it recovers the tab's targets (which never travel) at almost every counted position, and a gradient
// that was not the tab's (noise) recovers almost nothing.
import '@tensorflow/tfjs';
import { gpt2Config, initGpt2Params } from '@splitlora/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { recoverLabels } from './label-attack.js';
import type { AttackedModel } from './model-source.js';
import { frozenHead, uShapedViews } from './u-shaped-view.js';

const config = gpt2Config('tiny', { vocab_size: 300, n_embd: 32, n_layer: 3, n_head: 4, n_positions: 32, bos_token_id: 299, eos_token_id: 299 });
const model: AttackedModel = { name: 'small', config, params: initGpt2Params(config, 3), weights: 'random', source: 'test' };
const examples = [0, 1, 2, 3].map((i) => {
  const tokens = Array.from({ length: 10 + i }, (_, t) => (t * 37 + i * 11) % 299);
  return { tokens, lossMask: tokens.map((_, t) => (t >= 2 ? 1 : 0)) };
});

describe('u-shaped label recovery', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('recovers the targets from the output gradients, and not from noise', () => {
    const views = uShapedViews(model, 1, examples, 2, 16, 'float32');
    const head = frozenHead(model);
    const found = recoverLabels(views, head);
    expect(found.positions).toBe(views.reduce((s, v) => s + v.mask.reduce((a, b) => a + b, 0), 0)); // every counted position
    console.log(`label recovery on a random 3-block model, cut 1: ${found.exact}/${found.positions} exact`);
    expect(found.exact / found.positions).toBeGreaterThan(0.95);
    const noise = views.map((v) => ({ ...v, gradient: v.gradient.map((g, i) => (g === 0 ? 0 : Math.sin(i) * 1e-3)) }));
    const blind = recoverLabels(noise, head);
    expect(blind.exact / blind.positions).toBeLessThan(0.2);
    head.wte.dispose();
  });
});
