// Test-only: the real GPT-2 tokenizer from the shared data folder ($SPLITLORA_DATA_DIR or shared/data beside the
// repository), read with node:fs. Never copied into the repository.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Gpt2Tokenizer } from '@splitlora/core';

export function dataDir(): string {
  return resolve(process.env['SPLITLORA_DATA_DIR'] ?? join(import.meta.dirname, '../../../../../shared/data'));
}

let cached: Gpt2Tokenizer | null = null;

export function realTokenizer(): Gpt2Tokenizer {
  if (cached !== null) return cached;
  const dir = join(dataDir(), 'gpt2-tokenizer');
  cached = Gpt2Tokenizer.fromFiles(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(join(dir, 'merges.txt'), 'utf8'));
  return cached;
}
