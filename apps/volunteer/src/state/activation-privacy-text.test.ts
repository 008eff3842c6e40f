// The activation-noise tile: the run's figure before the first round ends, then this tab's own count and ε.
import { describe, expect, it } from 'vitest';
import { activationPrivacyText } from './activation-privacy-text.js';
import { initialTrainingState, reduceTraining } from './training-state.js';

const planned = { noiseMultiplier: 1, clipNorm: 2, delta: 1e-5, epsilonOneRelease: 10.73, plannedReleases: 3, epsilonPlanned: 19.2 };

describe('activation privacy text', () => {
  it('is absent without activation noise, the planned figure before a round ends, then the tab\'s own', () => {
    const start = initialTrainingState(3, 5);
    expect(activationPrivacyText(start, null)).toBeNull();
    expect(activationPrivacyText(start, planned)).toEqual({ value: 'ε = 10.73', hint: 'per window sent once (δ = 0.00001); yours is counted after each round' });
    const after = reduceTraining(start, { type: 'activation-privacy', round: 2, releasesPerExample: 2, epsilon: 16.05, delta: 1e-5 });
    expect(activationPrivacyText(after, planned)).toEqual({ value: 'ε = 16.05', hint: 'δ = 0.00001; each of your windows sent at most 2 times (after round 2)' });
    const clipped = reduceTraining(start, { type: 'activation-privacy', round: 1, releasesPerExample: 1, epsilon: null, delta: 1e-5 });
    expect(activationPrivacyText(clipped, null)).toEqual({ value: 'clipped only', hint: 'no guarantee (σ = 0); each of your windows sent at most once (after round 1)' });
  });
});
