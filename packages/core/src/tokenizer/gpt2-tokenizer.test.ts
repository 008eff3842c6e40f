// Tokenizer equality with Hugging Face's GPT-2 tokenizer on unicode, numbers, runs of spaces and newlines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, readFixture } from '../test-support/fixtures.js';
import { Gpt2Tokenizer } from './gpt2-tokenizer.js';

const dir = join(dataDir(), 'gpt2-tokenizer');
const tokenizer = Gpt2Tokenizer.fromFiles(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(join(dir, 'merges.txt'), 'utf8'));
const cases = readFixture<{ text: string; ids: number[] }[]>('tokenizer-cases.json');

describe('Gpt2Tokenizer', () => {
  it('has GPT-2 vocabulary size and end-of-text id', () => {
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.eosTokenId).toBe(50256);
  });

  for (const { text, ids } of cases) {
    it(`encodes like Hugging Face: ${JSON.stringify(text).slice(0, 50)}`, () => {
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.decode(ids)).toBe(text);
    });
  }

  it('rejects files that are not a GPT-2 byte-level BPE vocabulary', () => {
    expect(() => Gpt2Tokenizer.fromFiles('{not json', '')).toThrow(/vocab\.json is not valid JSON/);
    const vocab = readFileSync(join(dir, 'vocab.json'), 'utf8');
    expect(() => Gpt2Tokenizer.fromFiles(vocab, '#version: 0.2\nx y\n')).toThrow(/merges\.txt line 1/);
  });
});
