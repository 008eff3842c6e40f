// The privacy options of a run (docs/PRIVACY.md): client-level DP-FedAvg (clip norm, noise multiplier, δ, an ε budget
// and what happens when it is spent), secure aggregation and noise on the cut activations; and the per-round privacy figures a round record carries.
import { z } from 'zod';

export const BUDGET_ACTIONS = ['stop', 'warn'] as const;

export const dpConfigSchema = z.strictObject({
  /** σ: the Gaussian noise on the sum of clipped updates has std σ·C; 0 clips only (no privacy, bounded influence). */
  noiseMultiplier: z.number().min(0).max(100),
  /** C: each volunteer's update (its adapter minus the global one) is clipped to this L2 norm over all tensors. */
  clipNorm: z.number().positive().max(1e6).default(0.1),
  /** δ of the (ε, δ) guarantee ε is reported for. */
  delta: z.number().gt(0).lt(1).default(1e-5),
  /** The ε the run may spend (at δ); null reports ε without a budget. */
  epsilonBudget: z.number().positive().nullable().default(null),
  /** When the next round would pass the budget: 'stop' ends the run before it, 'warn' runs it and says so. */
  onBudgetSpent: z.enum(BUDGET_ACTIONS).default('stop'),
});

/**
 * Gaussian noise on the cut activations each volunteer sends (docs/PRIVACY.md, "Activation noise"): each example's
 * activation block is clipped to L2 norm C and gets N(0, σ²C²) per element, in the tab, before it is encoded.
 */
export const activationNoiseConfigSchema = z.strictObject({
  /** σ: the noise std per element is σ·C; 0 clips only (bounded norms, no privacy). */
  noiseMultiplier: z.number({ message: 'activationNoise.noiseMultiplier must be a number' }).min(0, 'activation noise multiplier must be >= 0').max(100, 'activation noise multiplier must be <= 100'),
  /** C: each example's whole T×E activation block is scaled to L2 norm ≤ C. */
  clipNorm: z.number({ message: 'activationNoise.clipNorm must be a number (the L2 norm each example\'s activations are clipped to)' }).positive('activation clip norm must be > 0').max(1e6, 'activation clip norm must be <= 1e6'),
  /** δ of the per-example (ε, δ) figure. */
  delta: z.number().gt(0).lt(1).default(1e-5),
});
export type ActivationNoiseConfigInput = z.input<typeof activationNoiseConfigSchema>;
export type ActivationNoiseSettings = z.output<typeof activationNoiseConfigSchema>;

/** A run's activation-noise figures (per example, at δ), for the consent screen, the run card and the demo's JSON. */
export interface ActivationNoiseFigures {
  noiseMultiplier: number;
  clipNorm: number;
  delta: number;
  /** ε after one release of an example's activations; null when σ = 0 (clipping only, no guarantee). */
  epsilonOneRelease: number | null;
  /** The run's planned releases per example when each example is sent once per round (one epoch per round): its rounds. */
  plannedReleases: number;
  /** ε after the planned releases; null when σ = 0. */
  epsilonPlanned: number | null;
}

export type DpConfigInput = z.input<typeof dpConfigSchema>;
export type DpConfig = z.output<typeof dpConfigSchema>;

/** What a round's aggregation adds to its record about privacy. */
export interface RoundPrivacy {
  /** DP figures after this round; null without DP. */
  dp: {
    /** ε spent so far (this round included) at δ; null when σ = 0 (no guarantee at all). */
    epsilon: number | null;
    delta: number;
    noiseMultiplier: number;
    clipNorm: number;
    /** Std of the noise on each element of the mean update (σC/n). */
    noiseStd: number;
    /** Updates longer than the clip norm this round (clipped by the server; with secure aggregation, by volunteers: null). */
    clipped: number | null;
    epsilonBudget: number | null;
    /** Set when this round ran past the budget (onBudgetSpent: 'warn'). */
    budgetWarning: string | null;
  } | null;
  /** Secure-aggregation figures of this round; null when it was off. */
  secureAggregation: { survivors: number; dropped: number; errorBound: number } | null;
}
