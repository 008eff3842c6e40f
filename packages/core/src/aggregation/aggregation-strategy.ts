// The aggregation seam, after Flower's Strategy: one strategy is chosen per run (strategy-for.ts) and the round loop
// asks it what each participant starts a round from (configure, Flower's configure_fit) and how to combine what the
// participants send back (aggregate, aggregate_fit). The server, its SFL-V1 server-adapter copies and the
// convergence benchmark all aggregate through it; a new method is a new file beside fedavg-strategy.ts.
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import type { WeightedAdapter } from '../train/fedavg.js';

/** One participant's trained tensors and its weight (the tokens it trained on, counted by the server). */
export type WeightedUpdate = WeightedAdapter<NamedHostTensors>;

export interface AggregationStrategy {
  /** Short name for logs and reports ("fedavg"). */
  readonly name: string;
  /** Round start: the tensors `clientId` starts round `round` from, given the current global ones. */
  configure(global: NamedHostTensors, clientId: string, round: number): NamedHostTensors;
  /** Round end: the next global tensors from the current ones and the reporters' updates. */
  aggregate(global: NamedHostTensors, updates: readonly WeightedUpdate[], round: number): NamedHostTensors;
}
