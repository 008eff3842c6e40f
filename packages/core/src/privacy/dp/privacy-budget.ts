// The ε budget of a run: before each DP round it says whether the round fits, and what to do when it does not —
// 'stop' ends the run before ε would pass the target, 'warn' runs the round and says the budget is spent.
import { fail } from '../../errors.js';
import { type SampledGaussian, validateDelta } from './rdp.js';
import { RdpAccountant } from './rdp-accountant.js';

export interface PrivacyBudgetConfig {
  targetEpsilon: number;
  delta: number;
  onSpent: 'stop' | 'warn';
}

export type BudgetDecision =
  | { action: 'run'; epsilonBefore: number; epsilonAfter: number }
  | { action: 'warn'; epsilonBefore: number; epsilonAfter: number; message: string }
  | { action: 'stop'; epsilonBefore: number; epsilonAfter: number; message: string };

export interface BudgetStatus {
  epsilon: number;
  delta: number;
  targetEpsilon: number;
  /** ε / target, for a progress bar (may exceed 1 in 'warn' mode). */
  spentFraction: number;
  exhausted: boolean;
}

export function validateBudget(config: PrivacyBudgetConfig): PrivacyBudgetConfig {
  if (!(config.targetEpsilon > 0) || !Number.isFinite(config.targetEpsilon)) fail('config', `DP target epsilon must be finite and > 0, found ${config.targetEpsilon}`);
  validateDelta(config.delta);
  if (config.onSpent !== 'stop' && config.onSpent !== 'warn') fail('config', `DP budget onSpent must be "stop" or "warn", found ${JSON.stringify(config.onSpent)}`);
  return config;
}

export class PrivacyBudget {
  readonly config: PrivacyBudgetConfig;

  constructor(config: PrivacyBudgetConfig) {
    this.config = validateBudget({ ...config });
  }

  /** Whether the next round (`round`: its mechanism) may run, given what `accountant` has recorded so far. */
  beforeRound(accountant: RdpAccountant, round: SampledGaussian): BudgetDecision {
    const { targetEpsilon, delta, onSpent } = this.config;
    const epsilonBefore = accountant.epsilon(delta).epsilon;
    const epsilonAfter = accountant.epsilonIf(round, delta).epsilon;
    if (epsilonAfter <= targetEpsilon) return { action: 'run', epsilonBefore, epsilonAfter };
    const message = `privacy budget: this round would bring ε from ${epsilonBefore.toFixed(3)} to ${epsilonAfter.toFixed(3)}, past the target ${targetEpsilon} (δ = ${delta})`;
    return onSpent === 'stop' ? { action: 'stop', epsilonBefore, epsilonAfter, message: `${message}; the run stops` } : { action: 'warn', epsilonBefore, epsilonAfter, message: `${message}; running it anyway (onSpent: warn)` };
  }

  status(accountant: RdpAccountant): BudgetStatus {
    const { targetEpsilon, delta } = this.config;
    const epsilon = accountant.epsilon(delta).epsilon;
    return { epsilon, delta, targetEpsilon, spentFraction: epsilon / targetEpsilon, exhausted: epsilon >= targetEpsilon };
  }
}

/** How many more rounds of `perRound` fit in `targetEpsilon` after what `accountant` holds (capped at `cap`). */
export function roundsWithinBudget(perRound: Omit<SampledGaussian, 'steps'>, targetEpsilon: number, delta: number, accountant = new RdpAccountant(), cap = 100_000): number {
  const fits = (rounds: number) => rounds === 0 || accountant.epsilonIf({ ...perRound, steps: rounds }, delta).epsilon <= targetEpsilon;
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (hi <= cap && fits(hi)) [lo, hi] = [hi, hi * 2];
  if (hi > cap) return fits(cap) ? cap : binarySearch(lo, cap, fits);
  return binarySearch(lo, hi, fits);
}

/** Largest n in [lo, hi) with fits(n), given fits(lo) and !fits(hi) (ε grows with the number of rounds). */
function binarySearch(lo: number, hi: number, fits: (n: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
