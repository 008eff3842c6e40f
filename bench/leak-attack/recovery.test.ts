// Scoring: exact and top-5 hits over real positions, the shortlist recall, and padding refused.
import { describe, expect, it } from 'vitest';
import { rates, realPositions, scoreGuesses } from './recovery.js';
import type { Truth } from './server-view.js';

const truth: Truth = { inputIds: Int32Array.from([5, 6, 7, 0, 8, 9, 0, 0]), targets: new Int32Array(8), lengths: [3, 2], seqLen: 4 };

describe('scoreGuesses', () => {
  it('counts exact and top-5 hits over the real positions', () => {
    const positions = realPositions(truth.lengths, truth.seqLen);
    expect(Array.from(positions)).toEqual([0, 1, 2, 4, 5]);
    const topK = Int32Array.from([
      5, 1, 1, 1, 1, 1, // exact
      1, 2, 3, 4, 6, 0, // fifth
      1, 2, 3, 4, 5, 7, // sixth: not top-5
      8, 0, 0, 0, 0, 0, // exact
      0, 0, 0, 0, 0, 0, // miss
    ]);
    const r = rates(scoreGuesses({ positions, k: 6, topK }, truth));
    expect(r).toEqual({ positions: 5, exact: 0.4, top5: 0.6, searchedRecall: null });
  });

  it('reports how often the truth was in the searched shortlist', () => {
    const positions = Int32Array.from([0, 4]);
    const r = rates(scoreGuesses({ positions, k: 1, topK: Int32Array.from([1, 8]), searched: { k: 2, ids: Int32Array.from([1, 5, 3, 4]) } }, truth));
    expect(r.searchedRecall).toBe(0.5);
    expect(r.exact).toBe(0.5);
  });

  it('refuses a guess for a padding position', () => {
    expect(() => scoreGuesses({ positions: Int32Array.from([6]), k: 1, topK: Int32Array.from([0]) }, truth)).toThrow(/position 6 is padding/);
  });
});
