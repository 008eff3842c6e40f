// Data: E2E CSV, JSONL and text into examples; loss masks; dynamic padding; deterministic shuffles and shards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Gpt2Tokenizer } from '../tokenizer/gpt2-tokenizer.js';
import { dataDir } from '../test-support/fixtures.js';
import { parseCsv } from './csv.js';
import { BatchStream, collate, evalBatches } from './batching.js';
import { completionPrompt, countLossTokens, e2eCsvExamples, examplesFromFile, jsonlExamples, textExamples } from './examples.js';
import { e2eAttribute, shardByAttribute, shardIid } from './sharding.js';

const dir = join(dataDir(), 'gpt2-tokenizer');
const tokenizer = Gpt2Tokenizer.fromFiles(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(join(dir, 'merges.txt'), 'utf8'));
const devset = readFileSync(join(dataDir(), 'e2e', 'devset.csv'), 'utf8');

describe('CSV', () => {
  it('parses quoted fields with commas, doubled quotes and newlines', () => {
    const t = parseCsv('mr,ref\r\n"a[1], b[2]","He said ""hi""\nthen left"\nx,y\n');
    expect(t.header).toEqual(['mr', 'ref']);
    expect(t.rows).toEqual([['a[1], b[2]', 'He said "hi"\nthen left'], ['x', 'y']]);
  });

  it('reports where a CSV is broken', () => {
    expect(() => parseCsv('mr,ref\n"open,field\n', 'bad.csv')).toThrow('bad.csv: the quoted field opened on line 2 is never closed');
    expect(() => parseCsv('mr,ref\na,b,c\n', 'bad.csv')).toThrow('bad.csv record 2: expected 2 fields (mr, ref), found 3');
    expect(() => parseCsv('', 'empty.csv')).toThrow('empty.csv is empty');
  });
});

describe('examples', () => {
  it('reads the whole E2E dev set with loss only on the reference and end-of-text', () => {
    const examples = e2eCsvExamples(tokenizer, devset, { maxSeqLen: 128 });
    expect(examples.length).toBe(4672);
    const first = examples[0]!;
    const contextLength = tokenizer.encode(completionPrompt(first.context!)).length;
    expect(first.lossMask.slice(0, contextLength).every((m) => m === 0)).toBe(true);
    expect(first.lossMask.slice(contextLength).every((m) => m === 1)).toBe(true);
    expect(first.tokens.at(-1)).toBe(tokenizer.eosTokenId);
    expect(tokenizer.decode(first.tokens.slice(contextLength, -1))).toBe(' There is a place in the city centre, Alimentum, that is not family-friendly.');
  });

  it('packs plain text into windows where every token is predicted once', () => {
    const text = 'word '.repeat(100);
    const examples = textExamples(tokenizer, text, { maxSeqLen: 16 });
    expect(examples.every((e) => e.tokens.length <= 17)).toBe(true);
    expect(countLossTokens(examples)).toBe(tokenizer.encode(text).length - 1);
  });

  it('reads JSONL text and context/completion records, and points at a bad line', () => {
    const jsonl = '{"text":"hello there"}\n\n{"context":"q","completion":"a"}\n';
    const examples = jsonlExamples(tokenizer, jsonl, { maxSeqLen: 32 });
    expect(examples).toHaveLength(2);
    expect(() => jsonlExamples(tokenizer, '{"text":1}\n', { maxSeqLen: 8 }, 'f.jsonl')).toThrow('f.jsonl line 1: expected {"text": string}');
    expect(() => jsonlExamples(tokenizer, '{"text":"a"}\n{oops\n', { maxSeqLen: 8 }, 'f.jsonl')).toThrow('f.jsonl line 2: not valid JSON');
  });

  it('routes files by extension and refuses others', () => {
    expect(examplesFromFile(tokenizer, 'notes.md', '# Title\nSome text here.', { maxSeqLen: 16 }).length).toBeGreaterThan(0);
    expect(() => examplesFromFile(tokenizer, 'a.pdf', 'x', { maxSeqLen: 16 })).toThrow('a.pdf: unsupported file type');
    expect(() => examplesFromFile(tokenizer, 'a.txt', '  \n', { maxSeqLen: 16 })).toThrow('a.txt is empty');
  });
});

describe('batching', () => {
  const examples = e2eCsvExamples(tokenizer, devset.split('\n').slice(0, 40).join('\n'), { maxSeqLen: 64 });

  it('pads each batch to its longest example, rounded up to padMultiple', () => {
    const batch = collate(examples.slice(0, 4), { batchSize: 4, maxSeqLen: 64, padMultiple: 8, padTokenId: 50256 });
    const longest = Math.max(...examples.slice(0, 4).map((e) => e.tokens.length - 1));
    expect(batch.seqLen).toBe(Math.ceil(longest / 8) * 8);
    expect(batch.tokens).toBe(countLossTokens(examples.slice(0, 4)));
    expect(Array.from(batch.targets.slice(0, 3))).toEqual(examples[0]!.tokens.slice(1, 4));
  });

  it('streams the same shuffled batches for the same seed, different ones for another seed', () => {
    const options = { batchSize: 5, maxSeqLen: 64, padTokenId: 50256 };
    const a = new BatchStream(examples, options, 1);
    const b = new BatchStream(examples, options, 1);
    const c = new BatchStream(examples, options, 2);
    const take = (s: BatchStream) => Array.from({ length: 10 }, () => Array.from(s.next().inputIds).join());
    const [ta, tb, tc] = [take(a), take(b), take(c)];
    expect(ta).toEqual(tb);
    expect(ta).not.toEqual(tc);
    expect(a.epoch).toBeGreaterThanOrEqual(1);
  });

  it('leaves out examples made for a longer window whose counted tokens lie beyond maxSeqLen, and says so when none is left', () => {
    const early = { tokens: [1, 2, 3, 4], lossMask: [0, 1, 1, 1] };
    const late = { tokens: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], lossMask: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1] };
    const options = { batchSize: 2, maxSeqLen: 4, padTokenId: 0 };
    for (let i = 0; i < 5; i++) expect(new BatchStream([early, late], options, 3).next().tokens).toBeGreaterThan(0);
    const batch = new BatchStream([early, late], options, 3).next();
    expect(batch.tokens).toBe(6); // two copies of `early` (3 counted each): `late` is never picked
    expect(() => new BatchStream([late], options, 3)).toThrow(/none of the 1 examples has a token to learn within the run's 4-token window/);
    expect(new BatchStream([late], { ...options, maxSeqLen: 9 }, 3).next().tokens).toBe(6); // a window of 9 keeps its 3 counted tokens, twice
  });

  it('evaluates every example exactly once', () => {
    const batches = evalBatches(examples, { batchSize: 8, maxSeqLen: 64, padTokenId: 50256 });
    expect(batches.reduce((s, b) => s + b.batchSize, 0)).toBe(examples.length);
  });
});

describe('sharding', () => {
  const examples = e2eCsvExamples(tokenizer, devset, { maxSeqLen: 128 });

  it('IID shards are disjoint, cover everything and are deterministic', () => {
    const shards = shardIid(examples, 3, 42);
    expect(shards.map((s) => s.length).reduce((a, b) => a + b)).toBe(examples.length);
    expect(new Set(shards.flat()).size).toBe(examples.length);
    expect(shardIid(examples, 3, 42)[1]![0]).toBe(shards[1]![0]);
    expect(() => shardIid(examples.slice(0, 2), 3, 1)).toThrow('cannot split 2 examples into 3 non-empty shards');
  });

  it('non-IID shards give each client whole groups of an attribute', () => {
    expect(e2eAttribute('name[Alimentum], area[city centre], familyFriendly[no]', 'area')).toBe('city centre');
    const shards = shardByAttribute(examples, 3, 'food');
    const valuesPerShard = shards.map((s) => new Set(s.map((e) => e2eAttribute(e.context!, 'food'))));
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) {
      expect([...valuesPerShard[i]!].filter((v) => valuesPerShard[j]!.has(v))).toEqual([]);
    }
    expect(shards.every((s) => s.length > 0)).toBe(true);
    expect(() => shardByAttribute(examples, 12, 'area')).toThrow(/attribute "area" has \d distinct values, fewer than the 12 shards/);
  });
});
