// FedAvg (McMahan et al. 2017): every participant starts from the global tensors, and the next global tensors are
// the token-weighted mean of the reporters' (names and shapes checked, float64 accumulation). Under secure
// aggregation the server has only the sum of the updates, so the mean is unweighted (each volunteer counts once).
import { flatLayoutOf, flattenAdapter, unflattenAdapter } from '../privacy/flat-adapter.js';
import { fail } from '../errors.js';
import { fedAvgHost } from '../train/fedavg.js';
import type { AggregationStrategy, FitConfiguration, FitResult, FitRound, MaskedSum, WeightedUpdate } from './aggregation-strategy.js';

export class FedAvgStrategy implements AggregationStrategy {
  readonly name = 'fedavg';

  configureFit(round: FitRound): FitConfiguration {
    return { startFor: () => round.global };
  }

  aggregateFit(_round: FitRound, updates: readonly WeightedUpdate[]): FitResult {
    return { global: fedAvgHost(updates) };
  }

  aggregateSum(round: FitRound, masked: MaskedSum): FitResult {
    const count = masked.survivors.length;
    if (count === 0) fail('adapter', 'secure aggregation gave a sum of no updates');
    const layout = flatLayoutOf(round.global);
    const next = flattenAdapter(round.global, layout, 'the global adapter');
    for (let i = 0; i < next.length; i++) next[i]! += masked.sum[i]! / count;
    return { global: unflattenAdapter(next, layout), privacy: { dp: null, secureAggregation: secureAggregationFigures(masked) } };
  }
}

/** The secure-aggregation line of a round's privacy figures. */
export function secureAggregationFigures(masked: MaskedSum): { survivors: number; dropped: number; errorBound: number } {
  return { survivors: masked.survivors.length, dropped: masked.dropped.length, errorBound: masked.errorBound };
}
