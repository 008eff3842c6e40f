// Sequential split learning on the volunteer page: waiting in line shows "n ahead of you" and the round's turns done
// as the progress bar; the tab's own turn (round-start) and the round's end clear it.
import { describe, expect, it } from 'vitest';
import { phaseText, turnProgress } from './progress-phase.js';
import { initialTrainingState, reduceTraining } from './training-state.js';

describe('waiting for a turn', () => {
  it('shows the place in line and the turns done, and clears once the turn starts', () => {
    let s = reduceTraining(initialTrainingState(2, 3), { type: 'turn', round: 1, ahead: 2, turnsDone: 0, turns: 3 });
    s = reduceTraining(s, { type: 'status', status: 'waiting', message: 'waiting for your turn — 2 ahead of you' });
    expect(phaseText(s)).toBe('Round 1: waiting for your turn — 2 ahead of you (0 of 3 turns done)');
    expect(turnProgress(s)).toEqual({ done: 0, of: 3 });
    s = reduceTraining(s, { type: 'turn', round: 1, ahead: 1, turnsDone: 1, turns: 3 });
    expect(phaseText(s)).toBe('Round 1: waiting for your turn — 1 ahead of you (1 of 3 turns done)');
    expect(turnProgress(s)).toEqual({ done: 1, of: 3 });
    s = reduceTraining(s, { type: 'round-start', round: 1, rounds: 2, localSteps: 3, firstStep: 0 });
    s = reduceTraining(s, { type: 'status', status: 'training', message: '' });
    expect(s.turn).toBeNull();
    expect(turnProgress(s)).toBeNull();
  });
});
