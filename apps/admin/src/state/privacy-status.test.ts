// The run card's privacy line: ε so far from the latest round record against the budget, and secure aggregation.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { activationNoiseDetail, privacyStatus } from './privacy-status.js';
import { fakeRun, roundRecord } from './test-fixtures.js';

const dpRun = fakeRun({ config: runConfigSchema.parse({ dp: { noiseMultiplier: 1, epsilonBudget: 8 }, secureAggregation: true, minClients: 2 }) });
const dp = (epsilon: number) => ({ epsilon, delta: 1e-5, noiseMultiplier: 1, clipNorm: 0.1, noiseStd: 0.01, clipped: null, epsilonBudget: 8, budgetWarning: null });

describe('privacy status', () => {
  it('is null for a run without DP or secure aggregation', () => {
    expect(privacyStatus(fakeRun(), [])).toBeNull();
    expect(privacyStatus(null, [])).toBeNull();
  });

  it('shows ε of the latest round against the budget, and the last secure-aggregation round', () => {
    const rounds = [
      roundRecord(2, { privacy: { dp: dp(6.02), secureAggregation: { survivors: 3, dropped: 1, errorBound: 1e-9 } } }),
      roundRecord(1, { privacy: { dp: dp(4.73), secureAggregation: { survivors: 4, dropped: 0, errorBound: 1e-9 } } }),
    ];
    const status = privacyStatus(dpRun, rounds)!;
    expect(status.dp).toMatchObject({ epsilon: 6.02, budget: 8, onBudgetSpent: 'stop' });
    expect(status.dp!.fraction).toBeCloseTo(6.02 / 8);
    expect(status.dp!.detail).toBe('ε = 6.02 of 8 at δ = 0.00001 after 2 rounds');
    expect(status.secureAggregation!.detail).toBe('last round: sum of 3 masked updates, 1 dropped');
  });

  it('reads 0 before the first round, and no guarantee at σ = 0', () => {
    expect(privacyStatus(dpRun, [])!.dp).toMatchObject({ epsilon: 0, fraction: 0 });
    const noNoise = fakeRun({ config: runConfigSchema.parse({ dp: { noiseMultiplier: 0 } }) });
    expect(privacyStatus(noNoise, [])!.dp).toMatchObject({ epsilon: null, fraction: null, detail: 'no guarantee (noise multiplier 0) after 0 rounds' });
  });

  it('states the activation-noise figures of a run that has them', () => {
    const figures = { noiseMultiplier: 1, clipNorm: 2, delta: 1e-5, epsilonOneRelease: 10.7255, plannedReleases: 5, epsilonPlanned: 22.5 };
    const run = fakeRun({ config: runConfigSchema.parse({ activationNoise: { noiseMultiplier: 1, clipNorm: 2 } }), activationNoise: figures });
    const status = privacyStatus(run, [])!;
    expect([status.dp, status.secureAggregation]).toEqual([null, null]);
    expect(status.activationNoise!.detail).toBe('σ 1, clip 2 per example: ε = 10.73 per example sent once, ε = 22.50 if sent once per round for 5 rounds (δ = 0.00001; the labels travel in the clear)');
    expect(activationNoiseDetail({ ...figures, noiseMultiplier: 0, epsilonOneRelease: null, epsilonPlanned: null }, 'u-shaped')).toBe('σ 0, clip 2 per example: clipping only, no guarantee (noise multiplier 0)');
    expect(activationNoiseDetail(figures, 'u-shaped')).toContain('the output gradients sent back are not noised');
    expect(privacyStatus(dpRun, [])!.activationNoise).toBeNull();
  });
});
