// Unit tests of the training screen's reducer and the words it produces (status line, connection pill).
import type { VolunteerEvent } from '@splitlora/client';
import { describe, expect, it } from 'vitest';
import { connectionOf, statusHeadline } from './status-text.js';
import { initialTrainingState, isOver, reduceTraining, type TrainingState, withOutcome, withPausedByYou } from './training-state.js';

const fold = (events: VolunteerEvent[], state: TrainingState = initialTrainingState(2, 3, 1)) => events.reduce(reduceTraining, state);
const step = (round: number, s: number, loss: number): VolunteerEvent => ({ type: 'step', round, step: s, localSteps: 3, loss, tokens: 100, tokensPerSecond: 50 + s, seconds: 2 });

describe('reduceTraining', () => {
  it('follows a round: progress, losses on a running step axis, speed and tokens', () => {
    const s = fold([
      { type: 'status', status: 'training', message: 'training round 1 of 2' },
      { type: 'round-start', round: 1, rounds: 2, localSteps: 3, firstStep: 0 },
      step(1, 0, 10.9), step(1, 1, 10.7),
    ]);
    expect(s).toMatchObject({ round: 1, rounds: 2, stepsDone: 2, lastLoss: 10.7, tokensPerSecond: 51, tokensTrained: 200 });
    expect(s.losses.map((p) => p.x)).toEqual([1, 2]);
    const next = fold([step(1, 2, 10.5), { type: 'round-end', round: 1, rounds: 1, trainLoss: 10.6, evalLoss: 10.4, more: true },
      { type: 'round-start', round: 2, rounds: 2, localSteps: 3, firstStep: 0 }, step(2, 0, 10.1)], s);
    expect(next).toMatchObject({ round: 2, rounds: 2, stepsDone: 1, roundsDone: 1, lastEvalLoss: 10.4 });
    expect(next.losses.map((p) => [p.x, p.round, p.step])).toEqual([[1, 1, 0], [2, 1, 1], [3, 1, 2], [4, 2, 0]]);
  });

  it('keeps the run total when round-end reports something else', () => {
    const s = fold([{ type: 'round-start', round: 1, rounds: 2, localSteps: 3, firstStep: 0 }, { type: 'round-end', round: 1, rounds: 1, trainLoss: null, evalLoss: null, more: true }]);
    expect(s.rounds).toBe(2);
  });

  it('records traffic, swarm size, the weights download and the dataset', () => {
    const s = fold([
      { type: 'traffic', bytesUp: 1000, bytesDown: 2000 },
      { type: 'swarm', volunteersOnline: 4, participants: 2 },
      { type: 'download', asset: 'tokenizer', receivedBytes: 10, totalBytes: 10, fromCache: false },
      { type: 'download', asset: 'weights', receivedBytes: 13, totalBytes: 13, fromCache: true },
      { type: 'dataset', examples: 200, tokens: 4321 },
    ]);
    expect(s).toMatchObject({ bytesUp: 1000, bytesDown: 2000, volunteersOnline: 4, weights: { totalBytes: 13, fromCache: true }, dataset: { examples: 200, tokens: 4321 } });
  });

  it('keeps fatal errors and shows other errors as a notice until training goes on', () => {
    const warned = fold([{ type: 'error', message: 'STALE: old step', fatal: false }]);
    expect(warned).toMatchObject({ notice: 'STALE: old step', error: null });
    expect(fold([{ type: 'status', status: 'training', message: 'training' }], warned).notice).toBeNull();
    const failed = fold([{ type: 'error', message: 'asset verification failed', fatal: true }, { type: 'status', status: 'error', message: 'asset verification failed' }]);
    expect(failed).toMatchObject({ status: 'error', error: 'asset verification failed' });
  });
});

describe('status words', () => {
  it('names each phase', () => {
    const base = initialTrainingState(2, 3);
    expect(statusHeadline(base).title).toBe('Starting…');
    expect(statusHeadline({ ...base, status: 'training', round: 1 })).toEqual({ title: 'Training round 1 of 2', tone: 'good' });
    expect(statusHeadline({ ...base, status: 'reconnecting' })).toEqual({ title: 'Connection lost — reconnecting…', tone: 'warn' });
    expect(statusHeadline({ ...base, status: 'waiting', round: 1, stepsDone: 3 }).title).toBe('Round 1 of 2 sent — waiting for the other volunteers');
    expect(statusHeadline({ ...base, status: 'waiting', round: 1, stepsDone: 3, roundsDone: 1 }).title).toBe('Ready — waiting for the next round');
    expect(statusHeadline({ ...base, status: 'finished' }).title).toBe('Run finished');
  });

  it('stays "Paused" while the volunteer paused, even when the Volunteer reports another status', () => {
    const paused = withPausedByYou({ ...initialTrainingState(2, 3), status: 'uploading', round: 1 }, true);
    expect(statusHeadline(paused)).toEqual({ title: 'Paused', tone: 'warn' });
    expect(statusHeadline({ ...paused, status: 'reconnecting' }).title).toBe('Connection lost — reconnecting…');
    expect(statusHeadline(withOutcome({ ...paused, status: 'finished' }, 'finished')).title).toBe('Run finished');
    expect(isOver(paused)).toBe(false);
  });

  it('says nothing is connected before Start', () => {
    expect(connectionOf(null)).toEqual({ text: 'Not connected', detail: ' · nothing sent', tone: 'idle' });
    const base = initialTrainingState();
    expect(connectionOf({ ...base, status: 'training' }).text).toBe('Connected');
    expect(connectionOf({ ...base, status: 'reconnecting' }).tone).toBe('warn');
    expect(connectionOf(withOutcome({ ...base, status: 'finished' }, 'finished')).text).toBe('Disconnected');
  });
});
