// Loads the GPT-2 tokenizer from a folder holding vocab.json + merges.txt.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Gpt2Tokenizer } from '@splitlora/core';

export interface TokenizerFiles {
  vocabJson: string;
  mergesTxt: string;
}

export async function readTokenizerFiles(dir: string): Promise<TokenizerFiles> {
  const [vocabJson, mergesTxt] = await Promise.all([readFile(join(dir, 'vocab.json'), 'utf8'), readFile(join(dir, 'merges.txt'), 'utf8')]);
  return { vocabJson, mergesTxt };
}

export async function loadTokenizer(dir: string): Promise<Gpt2Tokenizer> {
  const files = await readTokenizerFiles(dir);
  return Gpt2Tokenizer.fromFiles(files.vocabJson, files.mergesTxt);
}
