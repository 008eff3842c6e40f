// SFL-V1's server side: each client trains its own copy of the global server adapter during a round (with a fresh
// optimizer); when the round closes the reporters' copies are aggregated by the given strategy (FedAvg: weighted by
// the tokens each trained) into the next global adapter, and every copy is dropped.
import type { AggregationStrategy, NamedHostTensors, SplitPlan, WeightedUpdate } from '@splitlora/core';
import { type AdapterTrainer, adapterTrainer } from './adapter-trainer.js';
import type { ServerAdapterPolicy } from './server-adapter-policy.js';

export class PerClientServerAdapters implements ServerAdapterPolicy {
  readonly fusesClients = false;
  private readonly copies = new Map<string, AdapterTrainer>();

  constructor(
    private readonly plan: SplitPlan,
    private global: NamedHostTensors,
    private readonly weightDecay: number,
    private readonly strategy: AggregationStrategy,
  ) {}

  trainerFor(clientId: string): AdapterTrainer {
    let copy = this.copies.get(clientId);
    if (copy === undefined) {
      copy = adapterTrainer(this.plan, this.global, this.weightDecay);
      this.copies.set(clientId, copy);
    }
    return copy;
  }

  /** The last aggregate (copies in training are not part of it until their round closes). */
  async current(): Promise<NamedHostTensors> {
    return this.global;
  }

  async optimizerState(): Promise<null> {
    return null;
  }

  async closeRound(reporters: readonly string[], round: number): Promise<void> {
    const updates: WeightedUpdate[] = [];
    for (const id of reporters) {
      const copy = this.copies.get(id);
      if (copy !== undefined && copy.tokens > 0) updates.push({ source: id, adapter: await copy.adapter.toHost(), weight: copy.tokens });
    }
    if (updates.length > 0) this.global = this.strategy.aggregateFit({ round, participants: reporters, global: this.global }, updates).global;
    this.abortRound();
  }

  /** Forgets every copy (also what closeRound does once they are aggregated). */
  abortRound(): void {
    for (const copy of this.copies.values()) {
      copy.adapter.dispose();
      copy.optimizer.dispose();
    }
    this.copies.clear();
  }

  dispose(): void {
    this.abortRound();
  }
}
