// The two kinds of text in the attack: public text the server trains its attacker on (Shakespeare, or the E2E dev
// set), and the volunteer's private examples (E2E test set, one per meaning representation), never seen by it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, type Example, shuffled } from '@splitlora/core';
import { benchTokenizer, e2eExamples, requireDataDir } from '../lib/data.js';

export const PUBLIC_TEXTS = ['shakespeare', 'e2e-dev'] as const;
export type PublicText = (typeof PUBLIC_TEXTS)[number];

/** `count` windows of `seqLen` tokens, spread evenly over the public text's token stream: (count, seqLen) ids. */
export async function publicWindows(source: PublicText, count: number, seqLen: number): Promise<Int32Array> {
  const tokenizer = await benchTokenizer();
  let stream: number[];
  if (source === 'shakespeare') {
    stream = tokenizer.encode(await readFile(join(requireDataDir(), 'tinyshakespeare', 'input.txt'), 'utf8'));
  } else {
    stream = (await e2eExamples('devset.csv', 1024)).flatMap((e) => e.tokens);
  }
  const windows = Math.floor(stream.length / seqLen);
  if (windows < count) throw new Error(`${source} holds ${windows} windows of ${seqLen} tokens, fewer than the ${count} asked for`);
  const out = new Int32Array(count * seqLen);
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * windows) / count) * seqLen;
    out.set(stream.slice(start, start + seqLen), i * seqLen);
  }
  return out;
}

/** `count` E2E test examples with distinct meaning representations, in a seeded random order. */
export async function volunteerExamples(count: number, maxSeqLen: number, seed: number): Promise<Example[]> {
  const byContext = new Map<string, Example>();
  for (const e of await e2eExamples('testset_w_refs.csv', maxSeqLen)) if (!byContext.has(e.context ?? '')) byContext.set(e.context ?? '', e);
  const distinct = shuffled([...byContext.values()], createRng(seed));
  if (distinct.length < count) throw new Error(`the E2E test set has ${distinct.length} distinct meaning representations, fewer than --samples ${count}`);
  return distinct.slice(0, count);
}
