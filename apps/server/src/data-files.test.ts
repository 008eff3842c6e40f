// The evaluation-data choices of the run form: data files of the data folder, never the tokenizer's files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { listDataFiles } from './server.js';

it('lists CSV, JSONL and text files but not the tokenizer folder or README', () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-'));
  for (const sub of ['e2e', 'gpt2-tokenizer', 'tinyshakespeare']) mkdirSync(join(dir, sub));
  for (const file of ['e2e/testset.csv', 'gpt2-tokenizer/merges.txt', 'gpt2-tokenizer/vocab.json', 'tinyshakespeare/input.txt', 'README.md', 'notes.jsonl']) {
    writeFileSync(join(dir, file), 'x');
  }
  expect(listDataFiles(dir)).toEqual(['e2e/testset.csv', 'notes.jsonl', 'tinyshakespeare/input.txt']);
});
