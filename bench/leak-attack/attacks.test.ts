// The greedy attack's shortlist: the ranked guesses of several attacks taken in turn, without repeats.
import { describe, expect, it } from 'vitest';
import { interleaveShortlists } from './attacks.js';

describe('interleaveShortlists', () => {
  it('takes the lists in turn, skips repeats and keeps the width', () => {
    const a = Int32Array.from([1, 2, 3, 4, /* row 2 */ 9, 8, 7, 6]);
    const b = Int32Array.from([2, 5, 6, 7, /* row 2 */ 9, 8, 5, 4]);
    expect(Array.from(interleaveShortlists([a, b], 4, 4))).toEqual([1, 2, 5, 3, 9, 8, 7, 5]);
    expect(Array.from(interleaveShortlists([a], 4, 3))).toEqual([1, 2, 3, 9, 8, 7]);
  });

  it('says so when the lists hold too few distinct tokens', () => {
    expect(() => interleaveShortlists([Int32Array.from([1, 1]), Int32Array.from([1, 1])], 2, 2)).toThrow(/only 1 distinct candidates/);
  });
});
