// The phase line while the tab gets ready, and the round and run ETA from the measured step time.
import { describe, expect, it } from 'vitest';
import { etaText, phaseText, roughDuration } from './progress-phase.js';
import { initialTrainingState, reduceTraining } from './training-state.js';

describe('progress phase and ETA', () => {
  it('says what happens before the first step', () => {
    let s = reduceTraining(initialTrainingState(2, 10), { type: 'status', status: 'downloading', message: '' });
    expect(phaseText(s)).toBe('Downloading the model’s first layers…');
    s = reduceTraining(s, { type: 'download', asset: 'weights', receivedBytes: 3_000_000, totalBytes: 13_600_000, fromCache: false });
    expect(phaseText(s)).toMatch(/^Downloading the model’s first layers: 3(\.0)? MB of 13\.6 MB$/);
    s = reduceTraining(s, { type: 'status', status: 'preparing', message: '' });
    expect(phaseText(s)).toBe('Reading your files and building the model…');
    s = reduceTraining(s, { type: 'round-start', round: 1, rounds: 2, localSteps: 10, firstStep: 0 });
    s = reduceTraining(s, { type: 'status', status: 'training', message: '' });
    expect(phaseText(s)).toContain('first step — the GPU compiles its programs');
    expect(etaText(s)).toBeNull();
    s = reduceTraining(s, { type: 'step', round: 1, step: 0, localSteps: 10, loss: 3, tokens: 100, tokensPerSecond: 2, seconds: 50 });
    expect(phaseText(s)).toBeNull();
  });

  it('estimates the round and the run from recent steps, not the slow first one alone', () => {
    let s = reduceTraining(initialTrainingState(3, 10), { type: 'round-start', round: 1, rounds: 3, localSteps: 10, firstStep: 0 });
    s = reduceTraining(s, { type: 'status', status: 'training', message: '' });
    s = reduceTraining(s, { type: 'step', round: 1, step: 0, localSteps: 10, loss: 3, tokens: 100, tokensPerSecond: 2, seconds: 50 });
    for (let step = 1; step < 5; step++) s = reduceTraining(s, { type: 'step', round: 1, step, localSteps: 10, loss: 3, tokens: 100, tokensPerSecond: 50, seconds: 2 });
    // 5 steps left in this round and 20 in the two rounds after, at a pace near 2 s once the first step is averaged out.
    expect(s.secondsPerStep).toBeLessThan(15);
    expect(etaText(s)).toMatch(/^(under a minute|about 1 min) left in this round · about \d+ min for the run$/);
    expect(roughDuration(30)).toBe('under a minute');
    expect(roughDuration(3 * 3600 + 600)).toBe('about 3 h 10 min');
    expect(roughDuration(7200)).toBe('about 2 h');
  });
});
