// Incremental decoding with the key/value cache gives the full forward's logits (with a LoRA adapter, on cpu and
// wasm); beam search with the cache picks the same tokens as without it; beam size 1 is greedy; no tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { PAPER_LORA } from '../config/lora-config.js';
import { createRng, normalSamples } from '../data/rng.js';
import { adapterLayout } from '../lora/adapter-layout.js';
import { generate } from '../model/generate.js';
import { gpt2Forward } from '../model/gpt2-forward.js';
import { initGpt2Params } from '../model/init-params.js';
import { disposeNamed, namedToTensors, type NamedTensors } from '../tensors/named-tensors.js';
import { maxAbsDiff } from '../test-support/fixtures.js';
import { useBackend } from '../test-support/backend.js';
import type { AdapterBinding, BaseModel } from '../train/split-steps.js';
import { bannedTokens, beamSearch, beamSearchBatch } from './beam-search.js';
import { cachedForward } from './cached-forward.js';

const config = gpt2Config('tiny', { vocab_size: 97, n_embd: 32, n_layer: 3, n_head: 4, n_positions: 48, bos_token_id: 96, eos_token_id: 96 });

/** An adapter with non-zero A and B, so the LoRA branch changes the logits. */
function randomAdapter(seed: number): AdapterBinding {
  const rng = createRng(seed);
  const tensors: NamedTensors = {};
  for (const [name, shape] of Object.entries(adapterLayout(config, PAPER_LORA, 0, config.n_layer))) {
    tensors[name] = tf.tensor(normalSamples(rng, shape.reduce((a, b) => a * b, 1), 0.3), shape);
  }
  return { config: PAPER_LORA, tensors };
}

/** Prints the largest difference, checks it is below 1e-4 and that no tensor outlived the test. */
function expectCloseWithoutLeak(label: string, maxDiff: number, tensorsBefore: number): void {
  console.log(`${label}: max |diff| = ${maxDiff.toExponential(2)}`);
  expect(maxDiff).toBeLessThan(1e-4);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`decoding on ${backend}`, () => {
    let model: BaseModel;
    let adapter: AdapterBinding;
    beforeAll(async () => {
      await useBackend(backend);
      model = { config, params: namedToTensors(initGpt2Params(config, 11)) };
      adapter = randomAdapter(5);
    });
    afterAll(() => {
      disposeNamed(model.params);
      disposeNamed(adapter.tensors);
    });

    it('cached incremental logits equal the full forward (prefill, then one token at a time, batch of 2)', async () => {
      const before = tf.memory().numTensors;
      const seqs = [[5, 17, 3, 88, 41, 9, 60, 2, 33], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
      const ctx = { config, params: model.params, lora: adapter, dropoutSeed: null };
      const full = tf.tidy(() => gpt2Forward(ctx, tf.tensor2d(seqs, [2, 9], 'int32'))); // (2, 9, V)
      const fullData = (await full.data()) as Float32Array;
      full.dispose();
      let cache = null;
      let maxDiff = 0;
      for (const [from, to] of [[0, 5], [5, 6], [6, 7], [7, 9]] as const) {
        const ids = tf.tensor2d(seqs.map((s) => s.slice(from, to)), [2, to - from], 'int32');
        const step = cachedForward(ctx, ids, cache);
        ids.dispose();
        cache?.dispose();
        cache = step.cache;
        const got = (await step.logits.data()) as Float32Array;
        step.logits.dispose();
        for (let b = 0; b < 2; b++) {
          const at = (b * 9 + to - 1) * config.vocab_size;
          maxDiff = Math.max(maxDiff, maxAbsDiff(got.subarray(b * config.vocab_size, (b + 1) * config.vocab_size), fullData.subarray(at, at + config.vocab_size)));
        }
      }
      cache!.dispose();
      expectCloseWithoutLeak(`[${backend}] cached vs full logits`, maxDiff, before);
    });

    it('beam search with the cache picks the same tokens as without it, and leaks nothing', async () => {
      const before = tf.memory().numTensors;
      const options = { numBeams: 4, maxNewTokens: 14, lengthPenalty: 0.8, noRepeatNgramSize: 4, eosTokenId: 96 };
      for (const prompt of [[5, 17, 3], [40, 41, 42, 43, 44, 45, 46]]) {
        const cached = await beamSearch(model, adapter, prompt, options);
        const plain = await beamSearch(model, adapter, prompt, { ...options, useCache: false });
        expect(cached.tokens).toEqual(plain.tokens);
        expect(Math.abs(cached.score - plain.score)).toBeLessThan(1e-4);
        expect(cached.tokens.length).toBeGreaterThan(0);
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it('left-padded rows give the logits of the same prompts alone (prefill and next step)', async () => {
      const before = tf.memory().numTensors;
      const ctx = { config, params: model.params, lora: adapter, dropoutSeed: null };
      const prompts = [[5, 17, 3, 88, 41, 9], [60, 2, 33]];
      const padded = tf.tensor2d([prompts[0]!, [0, 0, 0, ...prompts[1]!]], [2, 6], 'int32');
      const both = cachedForward(ctx, padded, null, [0, 3]);
      const nextIds = tf.tensor2d([[7], [8]], [2, 1], 'int32');
      const bothNext = cachedForward(ctx, nextIds, both.cache);
      let maxDiff = 0;
      for (const [row, prompt] of prompts.entries()) {
        const ids = tf.tensor2d([prompt], [1, prompt.length], 'int32');
        const alone = cachedForward(ctx, ids, null);
        const next = tf.tensor2d([[7 + row]], [1, 1], 'int32');
        const aloneNext = cachedForward(ctx, next, alone.cache);
        const rowOf = async (t: tf.Tensor2D) => ((await t.data()) as Float32Array).subarray(row * config.vocab_size, (row + 1) * config.vocab_size);
        maxDiff = Math.max(maxDiff, maxAbsDiff(await rowOf(both.logits), (await alone.logits.data()) as Float32Array));
        maxDiff = Math.max(maxDiff, maxAbsDiff(await rowOf(bothNext.logits), (await aloneNext.logits.data()) as Float32Array));
        tf.dispose([ids, next, alone.logits, aloneNext.logits]);
        alone.cache.dispose();
        aloneNext.cache.dispose();
      }
      tf.dispose([padded, nextIds, both.logits, bothNext.logits]);
      both.cache.dispose();
      bothNext.cache.dispose();
      expectCloseWithoutLeak(`[${backend}] padded batch vs alone`, maxDiff, before);
    });

    it('a batch of prompts of different lengths decodes as each prompt alone', async () => {
      const before = tf.memory().numTensors;
      const options = { numBeams: 3, maxNewTokens: 10, lengthPenalty: 0.8, noRepeatNgramSize: 4, eosTokenId: 96 };
      const prompts = [[5, 17, 3], [40, 41, 42, 43, 44, 45, 46], [9, 9]];
      const batch = await beamSearchBatch(model, adapter, prompts, options);
      for (const [i, prompt] of prompts.entries()) expect(batch[i]!.tokens).toEqual((await beamSearch(model, adapter, prompt, options)).tokens);
      const uncached = await beamSearchBatch(model, adapter, prompts, { ...options, useCache: false });
      expect(uncached.map((r) => r.tokens)).toEqual(batch.map((r) => r.tokens));
      expect(tf.memory().numTensors).toBe(before);
    });

    it('beam size 1 is greedy decoding', async () => {
      const prompt = [7, 8, 9, 10];
      const beam = await beamSearch(model, adapter, prompt, { numBeams: 1, maxNewTokens: 12, lengthPenalty: 0.8, noRepeatNgramSize: 0, eosTokenId: 96 });
      const greedy = await generate(model, adapter, prompt, { maxNewTokens: 12, greedy: true, stopTokenId: 96 });
      expect(beam.tokens).toEqual(greedy);
    });
  });
}

describe('no-repeat n-gram ban', () => {
  it('bans the token that would complete an n-gram seen before, over the whole sequence', () => {
    expect([...bannedTokens([1, 2, 3, 1, 2], 3)]).toEqual([3]);
    expect([...bannedTokens([1, 2, 3, 1, 2], 2)]).toEqual([3]); // bigram (2, 3) seen; last token 2
    expect([...bannedTokens([5, 5, 5], 2)]).toEqual([5]);
    expect([...bannedTokens([1, 2], 3)]).toEqual([]);
    expect([...bannedTokens([1, 2, 3, 1, 2], 0)]).toEqual([]);
  });
});
