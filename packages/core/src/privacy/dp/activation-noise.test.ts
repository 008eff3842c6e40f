// Activation noise: per-example clipping (scales returned for the backward), calibrated noise, and its figure
// against the Opacus reference (a Gaussian mechanism of multiplier σ/2, no sampling).
import { describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '../../data/rng.js';
import { readFixture } from '../../test-support/fixtures.js';
import { GaussianNoise } from '../random/gaussian-noise.js';
import { activationNoiseFigures, activationPrivacy, noiseActivations } from './activation-noise.js';
import { l2Norm } from './dp-fedavg.js';

describe('activation noise', () => {
  it('clips each example to C (σ = 0) and returns the factors', () => {
    const width = 64 * 8;
    const data = Float32Array.from([...normalSamples(createRng(1), width, 0.01), ...normalSamples(createRng(2), width, 1)]);
    const before = [l2Norm(data.subarray(0, width)), l2Norm(data.subarray(width))];
    const { scales, clipped } = noiseActivations(data, 2, { clipNorm: 1, noiseMultiplier: 0 }, GaussianNoise.fromSeed(1));
    expect(before[0]).toBeLessThan(1);
    expect(scales[0]).toBe(1);
    expect(l2Norm(data.subarray(0, width))).toBeCloseTo(before[0]!, 5);
    expect(scales[1]).toBeCloseTo(1 / before[1]!, 6);
    expect(l2Norm(data.subarray(width))).toBeCloseTo(1, 5);
    expect(clipped).toBe(1);
  });

  it('adds N(0, (σC)²) per element (seeded)', () => {
    const n = 8 * 20_000;
    const data = new Float32Array(n);
    noiseActivations(data, 8, { clipNorm: 2, noiseMultiplier: 0.7 }, GaussianNoise.fromSeed(3));
    const std = Math.sqrt(data.reduce((s, v) => s + v * v, 0) / n);
    expect(Math.abs(std / 1.4 - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    expect(() => noiseActivations(new Float32Array(10), 3, { clipNorm: 1, noiseMultiplier: 1 }, GaussianNoise.fromSeed(1))).toThrow(/cannot be split into 3 examples/);
  });

  it('its ε is the Gaussian mechanism of multiplier σ/2 composed over releases (Opacus reference), and says what it does not cover', () => {
    const grid = readFixture<{ grid: { q: number; sigma: number; steps: number; delta: number; epsilon: number }[] }>('privacy/rdp-opacus.json').grid;
    for (const [sigma, releases] of [[1, 10], [3, 100], [1, 1]] as const) {
      const reference = grid.find((g) => g.q === 1 && g.sigma === sigma / 2 && g.steps === releases && g.delta === 1e-5)!;
      const figure = activationPrivacy(sigma, releases, 1e-5);
      expect(Math.abs(figure.epsilon / reference.epsilon - 1)).toBeLessThan(1e-9);
    }
    const figure = activationPrivacy(1, 1, 1e-5);
    expect(figure.doesNotCover.join(' ')).toMatch(/labels/);
    expect(activationPrivacy(2, 1, 1e-5).epsilon).toBeLessThan(figure.epsilon);
  });

  it('states a run\'s figures: one release and the planned releases; none at σ = 0', () => {
    expect(activationNoiseFigures({ noiseMultiplier: 2, clipNorm: 3, delta: 1e-6 }, 4)).toEqual({
      noiseMultiplier: 2, clipNorm: 3, delta: 1e-6, epsilonOneRelease: activationPrivacy(2, 1, 1e-6).epsilon, plannedReleases: 4, epsilonPlanned: activationPrivacy(2, 4, 1e-6).epsilon,
    });
    expect(activationNoiseFigures({ noiseMultiplier: 0, clipNorm: 3, delta: 1e-5 }, 4)).toMatchObject({ epsilonOneRelease: null, epsilonPlanned: null });
  });
});
