// Sequential split learning on the volunteer page: waiting in line says "n ahead of you" and shows the round's turns
// done as the progress bar; the tab's own turn (round-start) and the round's end clear it.
import { describe, expect, it } from 'vitest';
import { phaseText, turnProgress } from './progress-phase.js';
import { statusHeadline } from './status-text.js';
import { initialTrainingState, reduceTraining } from './training-state.js';

describe('waiting for a turn', () => {
  it('shows the place in line and the turns done, and clears once the turn starts', () => {
    let s = reduceTraining(initialTrainingState(2, 3), { type: 'turn', round: 1, ahead: 2, turnsDone: 0, turns: 3 });
    s = reduceTraining(s, { type: 'status', status: 'waiting', message: 'waiting for your turn — 2 ahead of you' });
    expect(statusHeadline(s).title).toBe('Waiting for your turn — 2 ahead of you');
    expect(phaseText(s)).toBe('Round 1 of 2 · 0 of 3 turns done (volunteers train one at a time)');
    expect(turnProgress(s)).toEqual({ done: 0, of: 3 });
    s = reduceTraining(s, { type: 'turn', round: 1, ahead: 1, turnsDone: 1, turns: 3 });
    expect(statusHeadline(s).title).toBe('Waiting for your turn — 1 ahead of you');
    expect(phaseText(s)).toBe('Round 1 of 2 · 1 of 3 turns done (volunteers train one at a time)');
    expect(turnProgress(s)).toEqual({ done: 1, of: 3 });
    s = reduceTraining(s, { type: 'round-start', round: 1, rounds: 2, localSteps: 3, firstStep: 0 });
    s = reduceTraining(s, { type: 'status', status: 'training', message: '' });
    expect(s.turn).toBeNull();
    expect(statusHeadline(s).title).toBe('Training round 1 of 2');
    expect(turnProgress(s)).toBeNull();
  });
});
