// Unit tests of inspectFile with the real GPT-2 tokenizer: good files give examples and token counts; bad ones
// (binary, empty, wrong CSV columns, unclosed quote, bad JSONL line, unknown type) give a clear reason.
import { countLossTokens, examplesFromFile } from '@splitlora/core';
import { describe, expect, it } from 'vitest';
import { realTokenizer } from '../test-support/real-tokenizer.js';
import { checkFileName, inspectFile } from './inspect-file.js';

const tokenizer = realTokenizer();
const utf8 = (text: string) => new TextEncoder().encode(text);
const inspect = (name: string, text: string | Uint8Array, maxSeqLen = 32) =>
  inspectFile(tokenizer, name, typeof text === 'string' ? utf8(text) : text, maxSeqLen);

const E2E_CSV = [
  'mr,ref',
  '"name[Alimentum], area[city centre], familyFriendly[no]","There is a place in the city centre, Alimentum, that is not family-friendly."',
  '"name[Aromi], eatType[coffee shop], area[riverside]","Aromi is a coffee shop by the riverside."',
  '"name[Bibimbap House], food[English]","Bibimbap House serves English food."',
].join('\n');

describe('inspectFile on usable files', () => {
  it('turns an E2E CSV into one example per row, counting the tokens the model learns', () => {
    const result = inspect('shard.csv', E2E_CSV, 48);
    if (!result.ok) throw new Error(result.error);
    expect(result.format).toBe('csv');
    expect(result.examples).toHaveLength(3);
    expect(result.tokens).toBe(countLossTokens(examplesFromFile(tokenizer, 'shard.csv', E2E_CSV, { maxSeqLen: 48 })));
    // Completion " Aromi is a coffee shop by the riverside." plus end-of-text: the loss counts only completions.
    expect(result.tokens).toBeGreaterThan(20);
    expect(result.preview[0]).toBe('mr,ref');
  });

  it('packs plain text into windows: every token after the first is learned once', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    const result = inspect('notes.txt', text, 32);
    if (!result.ok) throw new Error(result.error);
    const ids = tokenizer.encode(text);
    expect(result.format).toBe('text');
    expect(result.tokens).toBe(ids.length - 1);
    expect(result.examples).toHaveLength(Math.ceil((ids.length - 1) / 32));
  });

  it('reads Markdown as text and JSONL with text or context/completion records', () => {
    expect(inspect('README.md', '# Title\n\nSome words here.').ok).toBe(true);
    const jsonl = '{"text": "Hello there, general Kenobi."}\n\n{"context": "Q: 2+2?", "completion": "4"}\n';
    const result = inspect('data.jsonl', jsonl);
    if (!result.ok) throw new Error(result.error);
    expect(result.format).toBe('jsonl');
    expect(result.examples).toHaveLength(2);
  });
});

describe('inspectFile on unusable files', () => {
  it('refuses binary content and empty files', () => {
    const binary = inspect('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    expect(binary).toMatchObject({ ok: false, error: expect.stringContaining('image.txt looks like a binary file') });
    expect(inspect('empty.txt', new Uint8Array())).toMatchObject({ ok: false, error: 'empty.txt is empty (0 bytes)' });
    expect(inspect('spaces.csv', '   \n')).toMatchObject({ ok: false, error: 'spaces.csv is empty (it holds only whitespace)' });
  });

  it('refuses a file over the size limit', () => {
    const result = inspectFile(tokenizer, 'big.txt', utf8('x'.repeat(2000)), 32, 1000);
    expect(result).toMatchObject({ ok: false, error: 'big.txt is over the limit of 1 KB per file (it is 2 KB); split it into smaller files' });
  });

  it('refuses a CSV without mr,ref columns and names the columns found', () => {
    const result = inspect('wrong.csv', 'name,review\nAromi,good\n');
    expect(result).toMatchObject({ ok: false, error: 'wrong.csv: expected columns "mr,ref" (or "context,completion"), found "name,review"' });
    expect(result.preview).toEqual(['name,review', 'Aromi,good']);
  });

  it('refuses a CSV with an unclosed quote, giving its line', () => {
    const result = inspect('broken.csv', 'mr,ref\n"name[Aromi]","fine"\n"name[Zizzi]","never closed\n');
    expect(result).toMatchObject({ ok: false, error: 'broken.csv: the quoted field opened on line 3 is never closed' });
  });

  it('refuses a CSV record with the wrong number of fields', () => {
    const result = inspect('ragged.csv', 'mr,ref\n"a","b"\n"c"\n');
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('ragged.csv record 3: expected 2 fields') });
  });

  it('refuses JSONL with a bad line, giving its number', () => {
    const notJson = inspect('bad.jsonl', '{"text": "ok"}\n{"text": broken}\n');
    expect(notJson).toMatchObject({ ok: false, error: 'bad.jsonl line 2: not valid JSON' });
    const wrongShape = inspect('shape.jsonl', '{"text": "ok"}\n{"prompt": "x"}\n');
    expect(wrongShape).toMatchObject({ ok: false, error: expect.stringContaining('shape.jsonl line 2: expected {"text": string}') });
  });

  it('refuses unknown file types before reading them', () => {
    expect(checkFileName('photo.png')).toBe('photo.png: unsupported file type; use .txt, .md, .jsonl or .csv');
    expect(checkFileName('Notes.TXT')).toBeNull();
    expect(inspect('data.docx', 'text')).toMatchObject({ ok: false });
  });

  it('refuses a file that gives no training example', () => {
    expect(inspect('header-only.csv', 'mr,ref\n')).toMatchObject({ ok: false, error: expect.stringContaining('header-only.csv: expected at least one training example, found none') });
    expect(inspect('one-word.txt', 'Hi')).toMatchObject({ ok: false, error: expect.stringContaining('one-word.txt: expected at least one training example') });
  });
});
