// What each fleet client trains on: one shard of a data file (E2E CSV, JSONL or text), IID or non-IID by attribute.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Example, examplesFromFile, type Gpt2Tokenizer, shardByAttribute, shardIid } from '@splitlora/core';

export type ShardMode = { kind: 'iid' } | { kind: 'attribute'; attribute: string };

export function parseShardMode(value: string | undefined): ShardMode {
  if (value === undefined || value === 'iid') return { kind: 'iid' };
  if (value.startsWith('attr:') && value.length > 5) return { kind: 'attribute', attribute: value.slice(5) };
  throw new Error(`--shard must be "iid" or "attr:<attribute>" (e.g. attr:food), found "${value}"`);
}

export interface ShardSpec {
  dataPath: string;
  clients: number;
  mode: ShardMode;
  seed: number;
}

const cache = new Map<string, Example[][]>();

/** All shards of the file for a tokenizer and sequence length (tokenized once per process). */
export async function loadShards(spec: ShardSpec, tokenizer: Gpt2Tokenizer, maxSeqLen: number): Promise<Example[][]> {
  const key = `${spec.dataPath}|${spec.clients}|${JSON.stringify(spec.mode)}|${spec.seed}|${maxSeqLen}|${tokenizer.vocabSize}`;
  let shards = cache.get(key);
  if (shards === undefined) {
    const text = await readFile(spec.dataPath, 'utf8');
    const examples = examplesFromFile(tokenizer, basename(spec.dataPath), text, { maxSeqLen });
    shards = spec.mode.kind === 'iid' ? shardIid(examples, spec.clients, spec.seed) : shardByAttribute(examples, spec.clients, spec.mode.attribute);
    cache.set(key, shards);
  }
  return shards;
}
