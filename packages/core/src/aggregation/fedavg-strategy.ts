// FedAvg (McMahan et al.): every participant starts from the global tensors, and the next global tensors are the
// token-weighted mean of the participants' (names and shapes checked, float64 accumulation).
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import { fedAvgHost } from '../train/fedavg.js';
import type { AggregationStrategy, WeightedUpdate } from './aggregation-strategy.js';

export class FedAvgStrategy implements AggregationStrategy {
  readonly name = 'fedavg';

  configure(global: NamedHostTensors): NamedHostTensors {
    return global;
  }

  aggregate(_global: NamedHostTensors, updates: readonly WeightedUpdate[]): NamedHostTensors {
    return fedAvgHost(updates);
  }
}
