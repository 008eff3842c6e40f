// SFL-V2's server side: one server adapter and one optimizer shared by every client, carried from round to round
// (its optimizer state is saved with each checkpoint). Clients' steps may be fused into one server step. A restarted
// round rolls the adapter and its optimizer back to where the last completed round left them.
import type { AdamWState, NamedHostTensors, SplitPlan } from '@splitlora/core';
import { type AdapterTrainer, adapterTrainer } from './adapter-trainer.js';
import type { ServerAdapterPolicy, ServerAdapterStart } from './server-adapter-policy.js';

export class SharedServerAdapter implements ServerAdapterPolicy {
  readonly fusesClients = true;
  private readonly shared: AdapterTrainer;
  /** The adapter and optimizer state at the end of the last completed round (or at the start). */
  private committed: ServerAdapterStart;

  constructor(plan: SplitPlan, start: ServerAdapterStart, weightDecay: number) {
    this.shared = adapterTrainer(plan, start.serverAdapter, weightDecay);
    if (start.optimizer !== null) this.shared.optimizer.importState(start.optimizer);
    this.committed = start;
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

  async closeRound(): Promise<void> {
    this.committed = { serverAdapter: await this.shared.adapter.toHost(), optimizer: await this.shared.optimizer.exportState() };
  }

  abortRound(): void {
    this.shared.adapter.load(this.committed.serverAdapter);
    if (this.committed.optimizer === null) this.shared.optimizer.reset();
    else this.shared.optimizer.importState(this.committed.optimizer);
    this.shared.tokens = 0;
  }

  dispose(): void {
    this.shared.adapter.dispose();
    this.shared.optimizer.dispose();
  }
}
