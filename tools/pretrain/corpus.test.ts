// The pretraining corpus: the held-out tail starts after a blank line, training windows depend only on (seed, step),
// windows predict the next token, held-out windows do not overlap.
import { Gpt2Tokenizer } from '@splitlora/core';
import { loadTokenizer } from '@splitlora/node';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataDir } from '../../packages/core/src/test-support/fixtures.js';
import { heldOutStarts, tokenizeCorpus, trainBatch, windowBatch } from './corpus.js';

describe('pretraining corpus', () => {
  let tokenizer: Gpt2Tokenizer;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(join(dataDir(), 'gpt2-tokenizer'));
  });

  it('cuts the held-out tail at the first blank line after the training fraction', () => {
    const text = 'First Citizen:\nBefore we proceed.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved.\n';
    const corpus = tokenizeCorpus(text, tokenizer, 0.3);
    expect(text.slice(0, corpus.trainChars).endsWith('\n\n')).toBe(true);
    expect(corpus.trainChars + corpus.heldOutChars).toBe(text.length);
    expect(tokenizer.decode([...corpus.train]) + tokenizer.decode([...corpus.heldOut])).toBe(text);
    expect(() => tokenizeCorpus(text, tokenizer, 1)).toThrow(/train fraction/);
  });

  it('draws the same training windows for the same (seed, step) and targets the next token', () => {
    const tokens = Int32Array.from({ length: 500 }, (_, i) => i);
    const a = trainBatch(tokens, 16, 4, 7, 3);
    expect(trainBatch(tokens, 16, 4, 7, 3)).toEqual(a);
    expect(trainBatch(tokens, 16, 4, 7, 4).inputIds).not.toEqual(a.inputIds);
    for (let k = 0; k < a.inputIds.length; k++) expect(a.targets[k]).toBe(a.inputIds[k]! + 1);
    expect(a.tokens).toBe(64);
  });

  it('scores non-overlapping held-out windows that fit', () => {
    const tokens = Int32Array.from({ length: 41 }, (_, i) => i);
    expect(heldOutStarts(tokens, 10)).toEqual([0, 10, 20, 30]);
    expect(heldOutStarts(tokens, 10, 2)).toEqual([0, 10]);
    expect(() => windowBatch(tokens, [35], 10)).toThrow(/outside 41 tokens/);
  });
});
