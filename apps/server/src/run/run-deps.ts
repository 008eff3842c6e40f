// What a run needs from the server around it (folders, limits, registry, log) and how it tells the server
// what to send (RunNotifier), plus the parts a run is built from.
import type { AggregationStrategy, Example, Gpt2Tokenizer, NamedHostTensors, SplitPlan } from '@splitlora/core';
import type { MetricRecord, RoundRecord, RoundStart, RunConfig, RunInfo, TurnNotice } from '@splitlora/protocol';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Logger } from '../log.js';
import type { LoadedModel } from './model-source.js';
import type { RunStore } from './run-store.js';
import type { SecAggPush } from './secagg-round.js';
import type { ServerSplit } from './server-split.js';
import type { serverAdapterPolicyFor } from './server-adapters/server-adapter-policy.js';

export interface RunNotifier {
  roundStart(clientId: string, msg: RoundStart): void;
  runState(info: RunInfo): void;
  roundEnd(record: RoundRecord, more: boolean): void;
  /** Sequential split learning: a waiting participant's place in line. */
  turn(clientId: string, notice: TurnNotice): void;
  metric(record: MetricRecord): void;
  /** A secure-aggregation message for one volunteer of the round. */
  secagg(clientId: string, push: SecAggPush): void;
  changed(): void;
}

export interface RunDeps {
  runsDir: string;
  modelsDir: string;
  dataDir: string | null;
  maxMessageBytes: number;
  registry: ClientRegistry;
  logger: Logger;
  notify: RunNotifier;
  now?: () => number;
  /** Who trains the server adapter (default: the run's SFL variant in this process; a coordinator's workers in scale-out). */
  serverAdapterPolicy?: typeof serverAdapterPolicyFor;
  /** Why this server cannot run a config (a coordinator's workers serve some methods and layouts only), else null. */
  refuseRun?: (config: RunConfig) => string | null;
}

/** Everything a Run is made of, prepared by run-factory.ts for a new or a resumed run. */
export interface RunParts {
  runId: string;
  createdAt: number;
  config: RunConfig;
  /** Model config, cut and LoRA, checked once when the run was created or resumed. */
  plan: SplitPlan;
  /** How the run aggregates (chosen once, by strategyFor). */
  strategy: AggregationStrategy;
  model: LoadedModel;
  tokenizer: Gpt2Tokenizer;
  split: ServerSplit;
  store: RunStore;
  evalExamples: Example[];
  completedRounds: number;
  metrics: MetricRecord[];
  clientAdapter: NamedHostTensors;
  /** safetensors of the client split's base weights, and JSON {vocabJson, mergesTxt}: what clients download. */
  weightsBlob: Uint8Array;
  tokenizerBlob: Uint8Array;
  /** The run's invite token (config.inviteOnly), else null. */
  invite: string | null;
}
