// Chooses a run's aggregation strategy once, from its config: FedAvg, or DP-FedAvg when the run has `dp` set.
// Options that change the aggregation (a training method, secure aggregation) choose their strategy here, each
// implemented in its own file.
import type { RunConfig } from '@splitlora/protocol';
import type { AggregationStrategy } from './aggregation-strategy.js';
import { DpFedAvgStrategy } from './dp-fedavg-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';

export interface StrategyContext {
  /** Rounds the run already completed (a resumed run): DP's accountant starts from them. */
  roundsDone?: number;
}

export function strategyFor(config: RunConfig, context: StrategyContext = {}): AggregationStrategy {
  if (config.dp !== null) return new DpFedAvgStrategy(config.dp, { expectedParticipants: config.maxClients, roundsDone: context.roundsDone ?? 0 });
  return new FedAvgStrategy();
}
