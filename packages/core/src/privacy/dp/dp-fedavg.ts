// Client-level DP-FedAvg (McMahan et al. 2018, "Learning Differentially Private Recurrent Language Models"): each
// volunteer's update (its adapter minus the global one) is clipped to L2 norm C over all tensors, the clipped updates
// are summed, N(0, σ²C²) is added to the sum, and the sum is divided by a FIXED, public denominator n (the
// round's configured participants) — the fixed-denominator estimator, as TF-Federated's and Flower's fixed-clipping
// DP. One volunteer then moves the global adapter by at most C/n, plus the noise.
import { fail } from '../../errors.js';
import type { NamedHostTensors } from '../../tensors/named-tensors.js';
import { type FlatLayout, flatLayoutOf, flattenAdapter, unflattenAdapter } from '../flat-adapter.js';
import type { GaussianNoise } from '../random/gaussian-noise.js';

export interface DpFedAvgConfig {
  /** C: the L2 norm each update is clipped to (over all of its tensors together). */
  clipNorm: number;
  /** σ: noise std on the sum is σ·C; 0 = clipping only (no privacy, but bounded influence). */
  noiseMultiplier: number;
  /**
   * n: the fixed denominator, public and set before the round (the run's clients per round, e.g. its maxClients).
   * Fewer updates than n shrink the step (the estimator stays unbiased under sampling); more than n is an error.
   */
  expectedParticipants: number;
}

export function validateDpFedAvgConfig(config: DpFedAvgConfig): DpFedAvgConfig {
  if (!(config.clipNorm > 0) || !Number.isFinite(config.clipNorm)) fail('config', `DP clip norm must be finite and > 0, found ${config.clipNorm}`);
  if (!(config.noiseMultiplier >= 0) || !Number.isFinite(config.noiseMultiplier)) fail('config', `DP noise multiplier must be finite and >= 0, found ${config.noiseMultiplier}`);
  if (!Number.isInteger(config.expectedParticipants) || config.expectedParticipants < 1) fail('config', `DP expected participants must be an integer >= 1, found ${config.expectedParticipants}`);
  return config;
}

export function l2Norm(vector: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < vector.length; i++) sq += vector[i]! * vector[i]!;
  return Math.sqrt(sq);
}

/** Scales `update` in place to norm ≤ clipNorm; returns its norm before clipping and the factor applied. */
export function clipToNorm(update: Float64Array | Float32Array, clipNorm: number): { norm: number; scale: number } {
  const norm = l2Norm(update);
  if (!Number.isFinite(norm)) fail('adapter', `an update with a non-finite value cannot be clipped (norm ${norm})`);
  const scale = norm > clipNorm ? clipNorm / norm : 1;
  if (scale < 1) for (let i = 0; i < update.length; i++) update[i] = update[i]! * scale;
  return { norm, scale };
}

/** A volunteer's clipped update as one flat vector: (adapter − global), clipped to C (what it sends under SecAgg). */
export function clippedUpdate(adapter: NamedHostTensors, global: NamedHostTensors, clipNorm: number, layout: FlatLayout = flatLayoutOf(global), source = 'the volunteer'): { update: Float64Array; norm: number; scale: number } {
  const update = flattenAdapter(adapter, layout, source);
  const base = flattenAdapter(global, layout, 'the global adapter');
  for (let i = 0; i < update.length; i++) update[i] = update[i]! - base[i]!;
  return { update, ...clipToNorm(update, clipNorm) };
}

/**
 * The server's half: from the sum of `participants` clipped updates (in the clear, or from secure aggregation) to the
 * noised mean update Σ/n + N(0, (σC/n)²). Returns a new vector; `sum` is left unchanged.
 */
export function privatizeSum(sum: Float64Array, participants: number, config: DpFedAvgConfig, noise: GaussianNoise): Float64Array {
  const { clipNorm, noiseMultiplier, expectedParticipants } = validateDpFedAvgConfig(config);
  if (!Number.isInteger(participants) || participants < 1) fail('adapter', `DP-FedAvg needs at least one update, found ${participants}`);
  if (participants > expectedParticipants) {
    fail('config', `DP-FedAvg divides by the fixed expectedParticipants ${expectedParticipants}, but this round has ${participants} updates; set expectedParticipants to the run's maximum clients per round`);
  }
  const noised = noise.addTo(Float64Array.from(sum), noiseMultiplier * clipNorm);
  for (let i = 0; i < noised.length; i++) noised[i] = noised[i]! / expectedParticipants;
  return noised;
}

export interface DpFedAvgEntry {
  /** Who sent it, for error messages. */
  source: string;
  adapter: NamedHostTensors;
}

export interface DpFedAvgReport {
  participants: number;
  /** How many updates were longer than C (and scaled down). */
  clipped: number;
  /** Std of the noise on each element of the mean update: σC/n. */
  noiseStd: number;
  denominator: number;
}

/** The whole server-side round: clip each update, sum, noise, divide by n, add to the global adapter. */
export function dpFedAvg(global: NamedHostTensors, entries: readonly DpFedAvgEntry[], config: DpFedAvgConfig, noise: GaussianNoise): { adapter: NamedHostTensors; report: DpFedAvgReport } {
  validateDpFedAvgConfig(config);
  if (entries.length === 0) fail('adapter', 'DP-FedAvg needs at least one adapter');
  const layout = flatLayoutOf(global);
  const sum = new Float64Array(layout.length);
  let clipped = 0;
  for (const entry of entries) {
    const { update, scale } = clippedUpdate(entry.adapter, global, config.clipNorm, layout, entry.source);
    if (scale < 1) clipped++;
    for (let i = 0; i < sum.length; i++) sum[i]! += update[i]!;
  }
  const mean = privatizeSum(sum, entries.length, config, noise);
  const base = flattenAdapter(global, layout, 'the global adapter');
  for (let i = 0; i < mean.length; i++) mean[i]! += base[i]!;
  return {
    adapter: unflattenAdapter(mean, layout),
    report: { participants: entries.length, clipped, noiseStd: (config.noiseMultiplier * config.clipNorm) / config.expectedParticipants, denominator: config.expectedParticipants },
  };
}
