// SFL-V2's server side: one server adapter and one optimizer shared by every client, carried from round to round
// (its optimizer state is saved with each checkpoint). Clients' steps may be fused into one server step.
import type { AdamWState, NamedHostTensors, SplitPlan } from '@splitlora/core';
import { type AdapterTrainer, adapterTrainer } from './adapter-trainer.js';
import type { ServerAdapterPolicy, ServerAdapterStart } from './server-adapter-policy.js';

export class SharedServerAdapter implements ServerAdapterPolicy {
  readonly fusesClients = true;
  private readonly shared: AdapterTrainer;

  constructor(plan: SplitPlan, start: ServerAdapterStart, weightDecay: number) {
    this.shared = adapterTrainer(plan, start.serverAdapter, weightDecay);
    if (start.optimizer !== null) this.shared.optimizer.importState(start.optimizer);
  }

  trainerFor(): AdapterTrainer {
    return this.shared;
  }

  current(): Promise<NamedHostTensors> {
    return this.shared.adapter.toHost();
  }

  optimizerState(): Promise<AdamWState> {
    return this.shared.optimizer.exportState();
  }

  async closeRound(): Promise<void> {}

  abortRound(): void {}

  dispose(): void {
    this.shared.adapter.dispose();
    this.shared.optimizer.dispose();
  }
}
