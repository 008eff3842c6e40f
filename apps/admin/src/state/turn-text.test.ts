// The dashboard's "whose turn" line of a sequential run.
import { runConfigSchema, type RunSnapshot } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { turnText } from './turn-text.js';

const base: RunSnapshot = {
  runId: 'r', name: 'n', state: 'training', round: 1, rounds: 2, model: 'tiny', sfl: 'v2', config: runConfigSchema.parse({ method: 'sl' }),
  participants: ['a', 'b', 'c'], roundStartedAt: 0, completedRounds: 0, modelSummary: null, error: null,
};

describe('turnText', () => {
  it('names the volunteer whose turn it is, its place, and the skipped turns', () => {
    expect(turnText({ ...base, turn: { round: 1, current: 'b', order: ['a', 'b', 'c'], turnsDone: 1, skipped: [] } })).toBe('b — turn 2 of 3');
    expect(turnText({ ...base, turn: { round: 1, current: 'c', order: ['a', 'b', 'c'], turnsDone: 2, skipped: ['b'] } })).toBe('c — turn 3 of 3, 1 skipped');
    expect(turnText({ ...base, turn: { round: 1, current: null, order: ['a', 'b', 'c'], turnsDone: 3, skipped: [] } })).toBe('all 3 turns of round 1 done');
  });

  it('says nothing for runs without turns', () => {
    expect(turnText(base)).toBeNull();
    expect(turnText({ ...base, turn: null })).toBeNull();
  });
});
