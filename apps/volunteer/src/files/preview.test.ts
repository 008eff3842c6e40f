// Unit tests of the file preview: first non-empty lines, shortened with an ellipsis.
import { describe, expect, it } from 'vitest';
import { previewLines } from './preview.js';

describe('previewLines', () => {
  it('keeps the first non-empty lines, without carriage returns', () => {
    expect(previewLines('one\r\n\r\ntwo\nthree\nfour\nfive\n', { lines: 3 })).toEqual(['one', 'two', 'three']);
  });

  it('shortens long lines', () => {
    expect(previewLines(`${'x'.repeat(50)}\nshort`, { maxLineChars: 10 })).toEqual([`${'x'.repeat(10)}…`, 'short']);
  });

  it('shortens a very long first line without copying it', () => {
    const big = `${'a'.repeat(10_000_000)}\nsecond`;
    expect(previewLines(big, { lines: 1, maxLineChars: 5 })).toEqual(['aaaaa…']);
  });
});
