// The benchmark's use of the project's activation noise: the median clip norm, a copy noised with σ·C per element,
// and the ε figure of one release.
import { describe, expect, it } from 'vitest';
import { epsilonPerRelease, medianBlockNorm, noisedActivations } from './activation-noise.js';

describe('activation noise in the benchmark', () => {
  it('clips at the median block norm and adds noise of σ·C per element to a copy', () => {
    const examples = 3;
    const width = 20_000;
    const values = new Float32Array(examples * width);
    [1, 2, 4].forEach((scale, b) => values.fill(scale / Math.sqrt(width), b * width, (b + 1) * width)); // block norms 1, 2, 4
    expect(medianBlockNorm(values, examples)).toBeCloseTo(2, 5);
    expect(medianBlockNorm(values.subarray(0, 2 * width), 2)).toBeCloseTo(1.5, 5);
    const { values: noisy, clipNorm } = noisedActivations(values, examples, 0.5, 1);
    expect(clipNorm).toBeCloseTo(2, 5);
    expect(values[0]).toBeCloseTo(1 / Math.sqrt(width), 8); // the input is untouched
    const third = Array.from(noisy.subarray(2 * width), (v) => v - 2 / Math.sqrt(width)); // clipped from 4 to 2
    const mean = third.reduce((s, d) => s + d, 0) / width;
    const std = Math.sqrt(third.reduce((s, d) => s + (d - mean) ** 2, 0) / width);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeGreaterThan(0.97);
    expect(std).toBeLessThan(1.03); // σ·C = 0.5 · 2
    expect(Array.from(noisedActivations(values, examples, 0, 1).values)).toEqual(Array.from(values).map((v, i) => (i >= 2 * width ? v / 2 : v)));
  });

  it('gives the published figure for one release at σ = 1', () => {
    expect(epsilonPerRelease(1)).toBeCloseTo(10.7, 0); // docs/PRIVACY.md: σ_a = 1 → ε = 10.7 (δ = 1e-5, one release)
    expect(epsilonPerRelease(4)).toBeLessThan(epsilonPerRelease(1));
  });
});
