// The coordinator's server-adapter policy: it trains no step itself; its workers each train a copy of the global
// server adapter (SFL-V2 among a worker's volunteers, or SFL-V1 copies per volunteer averaged inside the worker),
// and at a round's end the workers' copies are averaged by the tokens each trained (FedAvg; i.e. SFL-V1 across
// workers). The result is the next global server adapter, evaluated and checkpointed by the coordinator's run.
import { FedAvgStrategy, type NamedHostTensors, type WeightedUpdate } from '@splitlora/core';
import type { ServerAdapterPolicy } from '../run/server-adapters/server-adapter-policy.js';
import type { AdapterTrainer } from '../run/server-adapters/adapter-trainer.js';

/** What the policy needs from the coordinator's Redis side. */
export interface WorkerFleet {
  /** Publishes the global server adapter (workers load it before the next round starts). */
  publishServerAdapter(adapter: NamedHostTensors): Promise<void>;
  /** Asks every live worker for its copy of `round` and waits for the answers (a worker that dies is left out). */
  collect(round: number, reporters: readonly string[]): Promise<WeightedUpdate[]>;
  /** The round restarts: the workers' copies go back to the global adapter. */
  abort(): void;
}

export class WorkerServerAdapters implements ServerAdapterPolicy {
  readonly fusesClients = false;
  private readonly strategy = new FedAvgStrategy();
  /** Published before the run is announced to the workers (one Redis connection keeps the order). */
  readonly published: Promise<void>;

  constructor(private global: NamedHostTensors, private readonly fleet: WorkerFleet) {
    this.published = fleet.publishServerAdapter(global);
  }

  trainerFor(): AdapterTrainer {
    throw new Error('the coordinator trains no steps; its split workers do');
  }

  async current(): Promise<NamedHostTensors> {
    return this.global;
  }

  /** Each worker keeps its own optimizer state; none is checkpointed (as in SFL-V1). */
  async optimizerState(): Promise<null> {
    return null;
  }

  async closeRound(reporters: readonly string[], round: number): Promise<void> {
    const copies = (await this.fleet.collect(round, reporters)).filter((c) => c.weight > 0);
    if (copies.length > 0) this.global = this.strategy.aggregateFit({ round, participants: reporters, global: this.global }, copies).global;
    await this.fleet.publishServerAdapter(this.global);
  }

  abortRound(): void {
    this.fleet.abort();
  }

  dispose(): void {}
}
