// A split worker's server adapter: the run's own policy (SFL-V2 shared among the worker's volunteers, or SFL-V1
// copies per volunteer), restarted from each new global server adapter the coordinator publishes. The worker's
// AdamW moments carry over (as in a single SFL-V2 process); the adapter itself is the global average.
import type { AdamWState, NamedHostTensors, SplitPlan } from '@splitlora/core';
import type { RunConfig } from '@splitlora/protocol';
import type { AdapterTrainer } from '../run/server-adapters/adapter-trainer.js';
import { type ServerAdapterPolicy, serverAdapterPolicyFor, type ServerAdapterStart } from '../run/server-adapters/server-adapter-policy.js';

export class WorkerCopyPolicy implements ServerAdapterPolicy {
  private inner: ServerAdapterPolicy;

  constructor(private readonly run: RunConfig, private readonly plan: SplitPlan, start: ServerAdapterStart) {
    this.inner = serverAdapterPolicyFor(run, plan, start);
  }

  get fusesClients(): boolean {
    return this.inner.fusesClients;
  }

  trainerFor(clientId: string): AdapterTrainer {
    return this.inner.trainerFor(clientId);
  }

  current(): Promise<NamedHostTensors> {
    return this.inner.current();
  }

  optimizerState(): Promise<AdamWState | null> {
    return this.inner.optimizerState();
  }

  closeRound(reporters: readonly string[], round: number): Promise<void> {
    return this.inner.closeRound(reporters, round);
  }

  abortRound(): void {
    this.inner.abortRound();
  }

  /** Every copy starts again from `global` (keeping the optimizer's moments where the variant keeps any). */
  async restartFrom(global: NamedHostTensors): Promise<void> {
    const optimizer = await this.inner.optimizerState();
    this.inner.dispose();
    this.inner = serverAdapterPolicyFor(this.run, this.plan, { serverAdapter: global, optimizer });
  }

  dispose(): void {
    this.inner.dispose();
  }
}
