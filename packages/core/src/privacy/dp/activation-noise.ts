// Optional Gaussian noise on the cut activations a volunteer sends each step: each example's activations (its whole
// T×E block — tokens of one sequence depend on each other through attention) are clipped to L2 norm C and get
// N(0, σ²C²) per element. Its figure is a per-example (ε, δ) for the activations alone; it says nothing about the
// labels (next-token ids) that travel in the clear beside them, nor about the adapter (DP-FedAvg covers that).
import type { ActivationNoiseFigures } from '@splitlora/protocol';
import { fail } from '../../errors.js';
import type { GaussianNoise } from '../random/gaussian-noise.js';
import { clipToNorm } from './dp-fedavg.js';
import { computeRdp, epsilonFromRdp, DEFAULT_RDP_ORDERS, validateDelta } from './rdp.js';

export interface ActivationNoiseConfig {
  /** C: each example's activations are scaled to L2 norm ≤ C. */
  clipNorm: number;
  /** σ: noise std per element is σ·C. */
  noiseMultiplier: number;
}

export function validateActivationNoise(config: ActivationNoiseConfig): ActivationNoiseConfig {
  if (!(config.clipNorm > 0) || !Number.isFinite(config.clipNorm)) fail('config', `activation clip norm must be finite and > 0, found ${config.clipNorm}`);
  if (!(config.noiseMultiplier >= 0) || !Number.isFinite(config.noiseMultiplier)) fail('config', `activation noise multiplier must be finite and >= 0, found ${config.noiseMultiplier}`);
  return config;
}

/**
 * Clips and noises `activations` (B examples × rest, row-major) in place. Returns each example's clip factor: the
 * volunteer multiplies the gradient it gets back by it, treating the factor as a constant (the clip's own
 * derivative is left out, as DP-SGD does).
 */
export function noiseActivations(activations: Float32Array, examples: number, config: ActivationNoiseConfig, noise: GaussianNoise): { scales: Float32Array; clipped: number } {
  const { clipNorm, noiseMultiplier } = validateActivationNoise(config);
  if (!Number.isInteger(examples) || examples < 1 || activations.length % examples !== 0) {
    fail('config', `activations of ${activations.length} values cannot be split into ${examples} examples`);
  }
  const width = activations.length / examples;
  const scales = new Float32Array(examples);
  let clipped = 0;
  for (let b = 0; b < examples; b++) {
    const row = activations.subarray(b * width, (b + 1) * width);
    const { scale } = clipToNorm(row, clipNorm);
    scales[b] = scale;
    if (scale < 1) clipped++;
    noise.addTo(row, noiseMultiplier * clipNorm);
  }
  return { scales, clipped };
}

/**
 * The figures a run states up front: ε for one release and for `plannedReleases` (null when σ = 0: no guarantee).
 * What a volunteer really spends depends on its own data size and is counted in its tab (client cut-noise.ts).
 */
export function activationNoiseFigures(config: ActivationNoiseConfig & { delta: number }, plannedReleases: number): ActivationNoiseFigures {
  const epsilon = (releases: number) => (config.noiseMultiplier === 0 ? null : activationPrivacy(config.noiseMultiplier, releases, config.delta).epsilon);
  return {
    noiseMultiplier: config.noiseMultiplier, clipNorm: config.clipNorm, delta: config.delta,
    epsilonOneRelease: epsilon(1), plannedReleases, epsilonPlanned: epsilon(plannedReleases),
  };
}

export interface ActivationPrivacy {
  epsilon: number;
  delta: number;
  /** How many times each example's activations were sent (its epochs over the volunteer's data). */
  releasesPerExample: number;
  adjacency: string;
  covers: string;
  doesNotCover: string[];
}

/**
 * The figure of activation noise: replacing one example changes its clipped block by at most 2C (L2), so each
 * release is a Gaussian mechanism of multiplier σ/2 on that example, with no sampling amplification (the server
 * sees which example each block is); `releasesPerExample` releases compose.
 */
export function activationPrivacy(noiseMultiplier: number, releasesPerExample: number, delta: number): ActivationPrivacy {
  validateDelta(delta);
  if (!Number.isInteger(releasesPerExample) || releasesPerExample < 1) fail('config', `releases per example must be an integer >= 1, found ${releasesPerExample}`);
  const rdp = computeRdp({ sampleRate: 1, noiseMultiplier: noiseMultiplier / 2, steps: releasesPerExample });
  return {
    epsilon: epsilonFromRdp(DEFAULT_RDP_ORDERS, rdp, delta).epsilon,
    delta,
    releasesPerExample,
    adjacency: 'one example (sequence) of one volunteer replaced by another',
    covers: 'the cut-layer activations of that example, as the server receives them',
    doesNotCover: [
      'the labels (next-token ids) and loss mask, sent in the clear: in this layout they are the text itself, shifted by one token',
      'the adapter the volunteer sends at the end of a round (covered by DP-FedAvg, at the volunteer level)',
      'several examples that share a secret (ε grows with group size)',
    ],
  };
}
