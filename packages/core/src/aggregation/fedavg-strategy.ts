// FedAvg (McMahan et al. 2017): every participant starts from the global tensors, and the next global tensors are
// the token-weighted mean of the reporters' (names and shapes checked, float64 accumulation).
import { fedAvgHost } from '../train/fedavg.js';
import type { AggregationStrategy, FitConfiguration, FitResult, FitRound, WeightedUpdate } from './aggregation-strategy.js';

export class FedAvgStrategy implements AggregationStrategy {
  readonly name = 'fedavg';

  configureFit(round: FitRound): FitConfiguration {
    return { startFor: () => round.global };
  }

  aggregateFit(_round: FitRound, updates: readonly WeightedUpdate[]): FitResult {
    return { global: fedAvgHost(updates) };
  }
}
