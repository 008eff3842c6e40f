// The current round's progress bar counts the participants' reported local steps.
import { describe, expect, it } from 'vitest';
import { roundProgress } from './round-progress.js';
import { fakeRun, step } from './test-fixtures.js';

describe('round progress', () => {
  it('is null without a run and 0 before the first round', () => {
    expect(roundProgress(null, [])).toBeNull();
    expect(roundProgress(fakeRun({ state: 'created', round: 0 }), [])?.fraction).toBe(0);
  });

  it('counts distinct steps of this round per participant', () => {
    const run = fakeRun({ round: 2, participants: ['c1', 'c2'] }); // 4 local steps
    const steps = [step('c1', 1, 0, 3), step('c1', 2, 0, 3), step('c1', 2, 1, 3), step('c1', 2, 1, 3), step('c2', 2, 0, 3)];
    const progress = roundProgress(run, steps);
    expect(progress?.fraction).toBeCloseTo(3 / 8);
    expect(progress?.detail).toBe('3 of 8 local steps');
  });

  it('is full while aggregating and when finished', () => {
    expect(roundProgress(fakeRun({ state: 'aggregating' }), [])?.fraction).toBe(1);
    expect(roundProgress(fakeRun({ state: 'finished', round: 5 }), [])?.fraction).toBe(1);
  });
});
