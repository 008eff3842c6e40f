// Who trains which server adapter: SFL-V2 keeps one adapter all clients share (their steps may be fused into one
// server step); SFL-V1 gives each client its own copy for the round and averages the copies when it closes.
// Chosen once per run; ServerSplit asks it for the adapter of each step and never branches on the variant.
import { type AdamWState, FedAvgStrategy, type NamedHostTensors, type SplitPlan } from '@splitlora/core';
import type { RunConfig } from '@splitlora/protocol';
import type { AdapterTrainer } from './adapter-trainer.js';
import { PerClientServerAdapters } from './per-client-server-adapters.js';
import { SharedServerAdapter } from './shared-server-adapter.js';

/** The server adapter a run starts (or resumes) from, with the optimizer state saved beside it, if any. */
export interface ServerAdapterStart {
  serverAdapter: NamedHostTensors;
  optimizer: AdamWState | null;
}

export interface ServerAdapterPolicy {
  /** Whether several clients' steps may be fused into one server step (they then train the same adapter). */
  readonly fusesClients: boolean;
  /** The adapter (and optimizer) that trains this client's next step. */
  trainerFor(clientId: string): AdapterTrainer;
  /** The current global server adapter, for evaluation, generation and checkpoints. */
  current(): Promise<NamedHostTensors>;
  /** The optimizer state to save with a checkpoint; null when none carries over from round to round. */
  optimizerState(): Promise<AdamWState | null>;
  /** The round closed with these reporters. */
  closeRound(reporters: readonly string[], round: number): Promise<void>;
  /** The round restarts: what it trained for itself alone is dropped. */
  abortRound(): void;
  dispose(): void;
}

/**
 * The policy of a run's SFL variant. SFL-V1's copies are the server's own (trained on activations it already sees),
 * so they are averaged with FedAvg whatever strategy aggregates the volunteers' adapters (DP noise and secure
 * aggregation protect what volunteers send; issue 18's workers average their copies the same way).
 */
export function serverAdapterPolicyFor(run: RunConfig, plan: SplitPlan, start: ServerAdapterStart): ServerAdapterPolicy {
  return run.sfl === 'v2'
    ? new SharedServerAdapter(plan, start, run.weightDecay)
    : new PerClientServerAdapters(plan, start.serverAdapter, run.weightDecay, new FedAvgStrategy());
}
