// The volunteer's optional activation noise, as the project implements it (core's noiseActivations: each example's
// T×E block clipped to L2 norm C, then N(0, σ²C²) per element), with the benchmark's choice of C: the median block
// norm of the volunteer's own batch, so about half the examples are clipped and the rest keep their scale.
import { activationPrivacy, GaussianNoise, noiseActivations } from '@splitlora/core';

export interface NoiseSetting {
  /** σ, the noise multiplier (0 = no noise). */
  sigma: number;
}

/** The median of the per-example L2 norms of (examples × rest) row-major values. */
export function medianBlockNorm(values: Float32Array, examples: number): number {
  const width = values.length / examples;
  const norms = Array.from({ length: examples }, (_, b) => Math.sqrt(values.subarray(b * width, (b + 1) * width).reduce((s, v) => s + v * v, 0))).sort((a, b) => a - b);
  const mid = Math.floor(examples / 2);
  return examples % 2 === 1 ? norms[mid]! : (norms[mid - 1]! + norms[mid]!) / 2;
}

/** A noised copy of the activations (examples × T × E) and the clip norm used; the input is left as it is. */
export function noisedActivations(values: Float32Array, examples: number, sigma: number, seed: number): { values: Float32Array; clipNorm: number } {
  const clipNorm = medianBlockNorm(values, examples);
  const copy = Float32Array.from(values);
  noiseActivations(copy, examples, { clipNorm, noiseMultiplier: sigma }, GaussianNoise.fromSeed(seed));
  return { values: copy, clipNorm };
}

/** ε of one release of an example's activations at δ = 1e-5 (core's activationPrivacy). */
export function epsilonPerRelease(sigma: number): number {
  return activationPrivacy(sigma, 1, 1e-5).epsilon;
}
