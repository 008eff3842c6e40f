// Client-level DP-FedAvg as a strategy (docs/PRIVACY.md): every participant starts from the global adapter; the
// server clips each update to C, adds N(0, σ²C²) to the sum and divides by the fixed maxClients; the RDP accountant
// records one sampled Gaussian per round and reports ε at δ; the budget stops (or warns) before a round that would
// pass it. Updates are unweighted: token weights would let one volunteer raise its own influence.
import type { DpConfig } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { dpFedAvg, privatizeSum } from '../privacy/dp/dp-fedavg.js';
import { PrivacyBudget } from '../privacy/dp/privacy-budget.js';
import { RdpAccountant } from '../privacy/dp/rdp-accountant.js';
import { flatLayoutOf, flattenAdapter, unflattenAdapter } from '../privacy/flat-adapter.js';
import { GaussianNoise } from '../privacy/random/gaussian-noise.js';
import type { AggregationStrategy, FitConfiguration, FitResult, FitRound, MaskedSum, WeightedUpdate } from './aggregation-strategy.js';
import { secureAggregationFigures } from './fedavg-strategy.js';

/** Thrown by configureFit when the next round would pass the ε budget and the run is set to stop. */
export class PrivacyBudgetSpent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivacyBudgetSpent';
  }
}

export interface DpFedAvgStrategyOptions {
  /** n, the fixed public denominator: the run's maximum clients per round. */
  expectedParticipants: number;
  /** Noise source; a real run keeps the default (keyed from the CSPRNG), tests pass a seeded one. */
  noise?: GaussianNoise;
  /** DP rounds already done (a resumed run): the accountant starts from them. */
  roundsDone?: number;
  /** q of each round; 1 unless the server draws participants uniformly from a fixed population (docs/PRIVACY.md). */
  sampleRate?: number;
}

export class DpFedAvgStrategy implements AggregationStrategy {
  readonly name = 'dp-fedavg';
  readonly accountant = new RdpAccountant();
  private readonly budget: PrivacyBudget | null;
  private readonly noise: GaussianNoise;
  private readonly sampleRate: number;
  private readonly expectedParticipants: number;
  /** The budget's warning for the round in progress ('warn' mode), reported with its figures. */
  private warning: string | null = null;

  constructor(readonly config: DpConfig, options: DpFedAvgStrategyOptions) {
    this.expectedParticipants = options.expectedParticipants;
    this.sampleRate = options.sampleRate ?? 1;
    this.noise = options.noise ?? GaussianNoise.secure();
    this.budget = config.epsilonBudget === null ? null : new PrivacyBudget({ targetEpsilon: config.epsilonBudget, delta: config.delta, onSpent: config.onBudgetSpent });
    if (config.epsilonBudget !== null && config.noiseMultiplier === 0) fail('config', 'an ε budget needs a noise multiplier > 0 (σ = 0 gives no guarantee)');
    this.accountant.record(this.mechanism(options.roundsDone ?? 0));
  }

  configureFit(round: FitRound): FitConfiguration {
    this.warning = null;
    if (this.budget !== null) {
      const decision = this.budget.beforeRound(this.accountant, this.mechanism(1));
      if (decision.action === 'stop') throw new PrivacyBudgetSpent(decision.message);
      if (decision.action === 'warn') this.warning = decision.message;
    }
    return { startFor: () => round.global };
  }

  aggregateFit(round: FitRound, updates: readonly WeightedUpdate[]): FitResult {
    const { adapter, report } = dpFedAvg(round.global, updates.map((u) => ({ source: u.source, adapter: u.adapter })), this.dpParameters(), this.noise);
    return { global: adapter, privacy: { dp: this.recordRound(report.clipped), secureAggregation: null } };
  }

  /** Under secure aggregation volunteers clip (the server cannot): the survivors' sum, noised, over n, onto the global. */
  aggregateSum(round: FitRound, masked: MaskedSum): FitResult {
    const layout = flatLayoutOf(round.global);
    const next = flattenAdapter(round.global, layout, 'the global adapter');
    const mean = privatizeSum(masked.sum, masked.survivors.length, this.dpParameters(), this.noise);
    for (let i = 0; i < next.length; i++) next[i]! += mean[i]!;
    return { global: unflattenAdapter(next, layout), privacy: { dp: this.recordRound(null), secureAggregation: secureAggregationFigures(masked) } };
  }

  /** ε spent so far at the run's δ; null when σ = 0. */
  epsilon(): number | null {
    return this.config.noiseMultiplier === 0 ? null : this.accountant.epsilon(this.config.delta).epsilon;
  }

  private recordRound(clipped: number | null): NonNullable<FitResult['privacy']>['dp'] {
    this.accountant.record(this.mechanism(1));
    const { noiseMultiplier, clipNorm, delta, epsilonBudget } = this.config;
    return {
      epsilon: this.epsilon(), delta, noiseMultiplier, clipNorm, noiseStd: (noiseMultiplier * clipNorm) / this.expectedParticipants, clipped,
      epsilonBudget, budgetWarning: this.warning,
    };
  }

  private dpParameters() {
    return { clipNorm: this.config.clipNorm, noiseMultiplier: this.config.noiseMultiplier, expectedParticipants: this.expectedParticipants };
  }

  private mechanism(steps: number) {
    return { sampleRate: this.sampleRate, noiseMultiplier: this.config.noiseMultiplier, steps };
  }
}
