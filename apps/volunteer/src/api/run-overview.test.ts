// Unit tests of the check of GET /api/run's answer (the consent screen's facts).
import { describe, expect, it } from 'vitest';
import { readRunOverview } from './run-overview.js';

const training = {
  method: 'splitlora', uploads: 'each round: your LoRA adapter', model: 'tiny', weights: 'random', cut: 3, layers: 6, wireDtype: 'float16', batchSize: 4, maxSeqLen: 48, localSteps: 3, rounds: 2, sfl: 'v1',
  loraRank: 8, clientTrainable: 6144, clientParams: 3_400_000,
};
const run = { runId: 'run-1', name: 'tiny-e2e', state: 'waiting', round: 0, rounds: 2, model: 'tiny', sfl: 'v1' };

describe('readRunOverview', () => {
  it('reads an open run and the no-run answer', () => {
    expect(readRunOverview({ run, volunteersOnline: 2, training })).toEqual({ run, volunteersOnline: 2, training });
    expect(readRunOverview({ run: null, volunteersOnline: 0, training: null })).toEqual({ run: null, volunteersOnline: 0, training: null });
    expect(readRunOverview({ run, volunteersOnline: 0, training: { ...training, layers: null, clientTrainable: null, clientParams: null } }).training?.layers).toBeNull();
  });

  it('reads the layout and the measured leakage at the run\'s cut', () => {
    const leakage = { model: 'tiny', weights: 'random', measuredOn: '2026-11-29', cut: 3, attack: 'greedy', adapter: 'initial', exact: 0.42, top5: 0.6 };
    const read = readRunOverview({ run, volunteersOnline: 1, training: { ...training, layout: 'u-shaped', leakage } }).training!;
    expect(read.layout).toBe('u-shaped');
    expect(read.leakage).toEqual(leakage);
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, layout: 'standard', leakage: null } }).training!.leakage).toBeUndefined();
    expect(() => readRunOverview({ run, volunteersOnline: 0, training: { ...training, layout: 'w-shaped' } })).toThrow('GET /api/run.training.layout: expected one of standard, u-shaped');
    expect(() => readRunOverview({ run, volunteersOnline: 0, training: { ...training, leakage: { ...leakage, exact: 1.5 } } })).toThrow('GET /api/run.training.leakage.exact');
  });

  it('reads whether the tabs evaluate their held-out share', () => {
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, layout: 'u-shaped', heldOutEval: true } }).training!.heldOutEval).toBe(true);
    expect(readRunOverview({ run, volunteersOnline: 1, training }).training).not.toHaveProperty('heldOutEval');
    expect(() => readRunOverview({ run, volunteersOnline: 1, training: { ...training, heldOutEval: 'yes' } })).toThrow('GET /api/run.training.heldOutEval');
  });

  it('reads the run\'s activation-noise figures (null ε: σ = 0)', () => {
    const activationNoise = { noiseMultiplier: 1, clipNorm: 2, delta: 1e-5, epsilonOneRelease: 10.7, plannedReleases: 2, epsilonPlanned: 16.1 };
    const privacy = { dp: null, secureAggregation: false, activationNoise };
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, privacy } }).training!.privacy).toEqual(privacy);
    const clippedOnly = { ...activationNoise, noiseMultiplier: 0, epsilonOneRelease: null, epsilonPlanned: null };
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, privacy: { ...privacy, activationNoise: clippedOnly } } }).training!.privacy!.activationNoise).toEqual(clippedOnly);
    expect(() => readRunOverview({ run, volunteersOnline: 1, training: { ...training, privacy: { ...privacy, activationNoise: { ...activationNoise, plannedReleases: 0 } } } }))
      .toThrow('GET /api/run.training.privacy.activationNoise.plannedReleases');
  });

  it('reads whether the run takes volunteers by invitation', () => {
    expect(readRunOverview({ run, volunteersOnline: 1, training, inviteRequired: true }).inviteRequired).toBe(true);
    expect(readRunOverview({ run, volunteersOnline: 1, training, inviteRequired: false })).not.toHaveProperty('inviteRequired');
  });

  it('reads the download size when the server gives it', () => {
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, downloadBytes: 13_600_000 } }).training?.downloadBytes).toBe(13_600_000);
    expect(readRunOverview({ run, volunteersOnline: 1, training: { ...training, downloadBytes: null } }).training).not.toHaveProperty('downloadBytes');
    expect(() => readRunOverview({ run, volunteersOnline: 1, training: { ...training, downloadBytes: -1 } })).toThrow('downloadBytes');
  });

  it('says which field is wrong', () => {
    expect(() => readRunOverview({ run, volunteersOnline: 0, training: { ...training, cut: '3' } })).toThrow('GET /api/run.training.cut: expected a finite number, found "3"');
    expect(() => readRunOverview({ run, volunteersOnline: 0, training: { ...training, weights: 'trained' } })).toThrow('GET /api/run.training.weights: expected one of pretrained, random');
    expect(() => readRunOverview({ run: { ...run, state: 'sleeping' }, volunteersOnline: 0, training })).toThrow('GET /api/run.run.state: expected one of created');
    expect(() => readRunOverview([])).toThrow('GET /api/run: expected an object, found an array');
  });
});
