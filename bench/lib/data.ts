// The reference data the benchmarks train and evaluate on: the GPT-2 tokenizer and E2E NLG examples from the
// data folder ($SPLITLORA_DATA_DIR, or shared/data beside the repository).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Example, examplesFromFile, type Gpt2Tokenizer } from '@splitlora/core';
import { findDataDir, loadTokenizer } from '@splitlora/node';

export function requireDataDir(): string {
  const dir = findDataDir();
  if (dir === null) throw new Error('no data folder found: set SPLITLORA_DATA_DIR to a folder with gpt2-tokenizer/ and e2e/ (see README)');
  return dir;
}

let tokenizer: Gpt2Tokenizer | null = null;

export async function benchTokenizer(): Promise<Gpt2Tokenizer> {
  tokenizer ??= await loadTokenizer(join(requireDataDir(), 'gpt2-tokenizer'));
  return tokenizer;
}

/** E2E examples (context → completion) of the dev or test CSV, cut to maxSeqLen. */
export async function e2eExamples(file: 'devset.csv' | 'testset_w_refs.csv', maxSeqLen: number): Promise<Example[]> {
  const path = join(requireDataDir(), 'e2e', file);
  const text = await readFile(path, 'utf8');
  return examplesFromFile(await benchTokenizer(), file, text, { maxSeqLen });
}
