// The tied vocabulary: ids map to their own rows or the shared one, the bias and multiplicity describe the shared
// row, and expanding gives every tied token the shared row plus its own scaled initial row.
import { gpt2Config, WTE } from '@splitlora/core';
import { describe, expect, it } from 'vitest';
import { decayFactor, TiedVocabulary } from './tied-vocabulary.js';

describe('tied vocabulary', () => {
  const config = gpt2Config('tiny', { vocab_size: 6, bos_token_id: 5, eos_token_id: 5, n_embd: 4, n_head: 2 });
  const vocab = TiedVocabulary.fromTrainingTokens(Int32Array.from([3, 1, 3, 0]), 6);

  it('keeps the training tokens and ties the others into the last row', () => {
    expect([...vocab.kept]).toEqual([0, 1, 3]);
    expect([...vocab.reduceIds(Int32Array.from([0, 1, 2, 3, 4, 5]))]).toEqual([0, 1, 3, 2, 3, 3]);
    expect(vocab.tiedCount).toBe(3);
    expect([...vocab.logitBias()]).toEqual([0, 0, 0, Math.fround(Math.log(3))]);
    expect([...vocab.multiplicity()]).toEqual([1, 1, 1, 3]);
    const reduced = vocab.reducedConfig(config);
    expect([reduced.vocab_size, reduced.eos_token_id]).toEqual([4, 3]);
  });

  it('reduces the initial table and expands the trained one', () => {
    const initial = { [WTE]: { shape: [6, 4], data: Float32Array.from({ length: 24 }, (_, i) => i) } };
    const reduced = vocab.reduceParams(initial)[WTE]!;
    expect(reduced.shape).toEqual([4, 4]);
    expect([...reduced.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0, 0, 0, 0]);
    const trained = { [WTE]: { shape: [4, 4], data: Float32Array.from([...reduced.data.slice(0, 12), 100, 100, 100, 100]) } };
    const full = vocab.expandParams(trained, initial, 0.5)[WTE]!;
    expect(full.shape).toEqual([6, 4]);
    expect([...full.data.slice(0, 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...full.data.slice(8, 12)]).toEqual([104, 104.5, 105, 105.5]); // 100 + 0.5 · (8, 9, 10, 11)
    expect([...full.data.slice(12, 16)]).toEqual([12, 13, 14, 15]);
  });

  it('has nothing to tie when the text uses every token', () => {
    expect(() => TiedVocabulary.fromTrainingTokens(Int32Array.from([0, 1, 2]), 3)).toThrow(/nothing to tie/);
  });

  it('computes the weight decay a row would see alone', () => {
    expect(decayFactor({ lr: 0.1, warmupSteps: 0, totalSteps: 2, kind: 'constant' }, 2, 0.5)).toBeCloseTo(0.95 * 0.95, 12);
  });
});
