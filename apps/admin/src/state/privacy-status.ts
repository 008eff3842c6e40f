// What the run card says about privacy: ε spent so far (the latest round's figure) against the budget, σ and C,
// whether secure aggregation is on with the last round's survivors, and the activation-noise figures the run states.
// Null when the run uses none of them.
import type { ActivationNoiseFigures, LayoutName, RoundRecord, RunSnapshot } from '@splitlora/protocol';

export interface PrivacyStatus {
  dp: {
    /** ε spent so far at δ; 0 before the first DP round; null when σ = 0 (no guarantee). */
    epsilon: number | null;
    delta: number;
    budget: number | null;
    /** ε / budget, capped at 1, for the progress bar; null without a budget or a guarantee. */
    fraction: number | null;
    noiseMultiplier: number;
    clipNorm: number;
    onBudgetSpent: 'stop' | 'warn';
    /** The text beside the bar. */
    detail: string;
  } | null;
  secureAggregation: { on: true; detail: string } | null;
  /** Noise on the cut activations: σ, C and the per-example ε for one release and for the planned releases. */
  activationNoise: { detail: string } | null;
}

/** The run card's activation-noise line from the snapshot's figures (per example, stated up front). */
export function activationNoiseDetail(figures: ActivationNoiseFigures, layout: LayoutName): string {
  const head = `σ ${figures.noiseMultiplier}, clip ${figures.clipNorm} per example`;
  if (figures.epsilonOneRelease === null || figures.epsilonPlanned === null) return `${head}: clipping only, no guarantee (noise multiplier 0)`;
  return `${head}: ε = ${figures.epsilonOneRelease.toFixed(2)} per example sent once, ε = ${figures.epsilonPlanned.toFixed(2)} if sent once per round for ${figures.plannedReleases} round${figures.plannedReleases === 1 ? '' : 's'} (δ = ${figures.delta}; ${layout === 'u-shaped' ? 'the output gradients sent back are not noised' : 'the labels travel in the clear'})`;
}

export function privacyStatus(run: RunSnapshot | null, rounds: readonly RoundRecord[]): PrivacyStatus | null {
  if (run === null || (run.config.dp === null && !run.config.secureAggregation && !run.activationNoise)) return null;
  const mine = rounds.filter((r) => r.runId === run.runId && r.round > 0).sort((a, b) => a.round - b.round);
  const last = mine.at(-1);
  let dp: PrivacyStatus['dp'] = null;
  const c = run.config.dp;
  if (c !== null) {
    const epsilon = c.noiseMultiplier === 0 ? null : (last?.privacy?.dp?.epsilon ?? 0);
    const fraction = epsilon === null || c.epsilonBudget === null ? null : Math.min(1, epsilon / c.epsilonBudget);
    const spent = epsilon === null ? 'no guarantee (noise multiplier 0)' : `ε = ${epsilon.toFixed(2)}${c.epsilonBudget === null ? '' : ` of ${c.epsilonBudget}`} at δ = ${c.delta}`;
    const warned = last?.privacy?.dp?.budgetWarning ? ' — budget passed (warn mode)' : '';
    dp = {
      epsilon, delta: c.delta, budget: c.epsilonBudget, fraction, noiseMultiplier: c.noiseMultiplier, clipNorm: c.clipNorm, onBudgetSpent: c.onBudgetSpent,
      detail: `${spent} after ${mine.length} round${mine.length === 1 ? '' : 's'}${warned}`,
    };
  }
  const sa = last?.privacy?.secureAggregation;
  const secureAggregation = run.config.secureAggregation
    ? { on: true as const, detail: sa ? `last round: sum of ${sa.survivors} masked updates${sa.dropped > 0 ? `, ${sa.dropped} dropped` : ''}` : 'the server will learn only the sum of the updates' }
    : null;
  return { dp, secureAggregation, activationNoise: run.activationNoise ? { detail: activationNoiseDetail(run.activationNoise, run.config.layout) } : null };
}
