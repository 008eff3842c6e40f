// Chooses a run's aggregation strategy once, from its config. Every run config of this protocol version aggregates
// with FedAvg; options that change the aggregation (a training method, differential privacy, secure aggregation)
// choose their strategy here, each implemented in its own file.
import type { RunConfig } from '@splitlora/protocol';
import type { AggregationStrategy } from './aggregation-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';

export function strategyFor(_config: RunConfig): AggregationStrategy {
  return new FedAvgStrategy();
}
