// A server adapter with the optimizer that trains it (AdamW with the one default and the run's weight decay), and
// the tokens it trained this round: the unit the server-adapter policies hand out to steps.
import { AdamW, DEFAULT_ADAMW, type NamedHostTensors, type SplitPlan, TrainableAdapter } from '@splitlora/core';

export interface AdapterTrainer {
  adapter: TrainableAdapter;
  optimizer: AdamW;
  tokens: number;
}

/** A fresh trainer of the server's blocks from these values. */
export function adapterTrainer(plan: SplitPlan, values: NamedHostTensors, weightDecay: number): AdapterTrainer {
  const adapter = TrainableAdapter.fromHost(plan.config, plan.lora, plan.cut, plan.config.n_layer, values);
  return { adapter, optimizer: new AdamW({ ...DEFAULT_ADAMW, weightDecay }), tokens: 0 };
}
