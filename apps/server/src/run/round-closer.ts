// A run's rounds from the aggregation's side: what each participant starts a round from (the strategy's
// configure), the round's bookkeeping (steps, tokens, uploaded adapters), and closing it — the strategy aggregates
// the client adapters, the server-adapter policy closes its side, the new adapters are evaluated and checkpointed,
// and the round's record is written. The round machine decides when; this does the work.
import {
  type AggregationStrategy, type Example, type FitConfiguration, type FitRound, hashName, mixSeed, type NamedHostTensors, type SplitPlan,
} from '@splitlora/core';
import {
  encodeFloatFrame, ProtocolError, type RoundRecord, type RoundStart, type RunConfig, type TensorFrame, type UpdateRequest,
} from '@splitlora/protocol';
import { blockTaskMessage } from './block-task-frames.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Logger } from '../log.js';
import type { MetricLog } from './metric-log.js';
import { RoundAccount } from './round-account.js';
import type { RunStore } from './run-store.js';
import type { SerialQueue } from './serial-queue.js';
import type { ServerSplit } from './server-split.js';
import { decodeAdapter } from './step-decoding.js';

export interface RoundCloserDeps {
  runId: string;
  config: RunConfig;
  plan: SplitPlan;
  strategy: AggregationStrategy;
  split: ServerSplit;
  queue: SerialQueue;
  store: RunStore;
  metrics: MetricLog;
  registry: ClientRegistry;
  evalExamples: readonly Example[];
  /** The model's base weights (a block-training round's checkpoint holds them beside the trained blocks). */
  baseParams: NamedHostTensors;
  log: Logger;
  now: () => number;
}

export class RoundCloser {
  private global: NamedHostTensors;
  /** Frames of the tensors a participant starts from, encoded once per distinct table (FedAvg: one per round). */
  private framesCache: { source: NamedHostTensors; frames: TensorFrame[] } | null = null;
  private account: RoundAccount | null = null;
  /** The round in progress as the strategy saw it at its start, and what it decided then. */
  private fit: { round: FitRound; configuration: FitConfiguration } | null = null;

  constructor(private readonly deps: RoundCloserDeps, globalClient: NamedHostTensors) {
    this.global = globalClient;
  }

  /** The current global client adapter. */
  get globalClient(): NamedHostTensors {
    return this.global;
  }

  /** A round starts with these participants: the strategy configures it, its bookkeeping begins. */
  open(round: number, participants: readonly string[]): void {
    const { registry, strategy } = this.deps;
    const fitRound: FitRound = { round, participants, global: this.global };
    this.fit = { round: fitRound, configuration: strategy.configureFit(fitRound) };
    this.account = new RoundAccount(round, this.deps.now(), registry.totalUp, registry.totalDown);
  }

  /** A round restarts: its bookkeeping and what the server trained for it alone are dropped. */
  abort(): void {
    this.account = null;
    this.fit = null;
    this.deps.split.abortRound();
  }

  /** The round:start message of one participant, starting (or continuing) at `firstStep`. */
  roundStart(clientId: string, round: number, firstStep: number): RoundStart {
    const { config, runId } = this.deps;
    const fit = this.fit;
    if (fit === null || fit.round.round !== round) throw new Error(`round ${round} was not configured`);
    const blockTask = fit.configuration.blockTaskFor?.(clientId);
    return {
      runId, round, rounds: config.rounds, localSteps: config.localSteps, firstStep, globalStepBase: (round - 1) * config.localSteps,
      adapter: this.frames(fit.configuration.startFor(clientId)), seed: mixSeed(config.seed, round, hashName(clientId)),
      ...(blockTask === undefined ? {} : { blockTask: blockTaskMessage(this.deps.plan.config, blockTask) }),
    };
  }

  /** A trained step of this round: its loss and tokens count towards the round's loss and the client's weight. */
  recordStep(clientId: string, round: number, loss: number, tokens: number): void {
    const account = this.account;
    if (account !== null && account.round === round) account.recordStep(clientId, loss, tokens);
  }

  /** Checks and keeps a participant's adapter; returns the weight it gets (the tokens the server counted). */
  acceptUpdate(clientId: string, req: UpdateRequest): number {
    const configuration = this.fit?.configuration;
    const adapter = decodeAdapter(req.adapter, configuration?.updateLayoutFor?.(clientId) ?? this.deps.plan.clientAdapterLayout());
    if (req.blockVersions !== undefined) {
      const { strategy } = this.deps;
      if (strategy.holdings === undefined) throw new ProtocolError('BAD_REQUEST', `blockVersions are only sent in block-training methods, not ${strategy.name}`);
      try {
        strategy.holdings(clientId, req.blockVersions);
      } catch (error) {
        throw new ProtocolError('BAD_REQUEST', (error as Error).message);
      }
    }
    const account = this.account!;
    account.addUpdate(clientId, adapter);
    const tokens = account.tokensOf(clientId);
    if (tokens !== req.tokens) this.deps.log.warn(`client ${clientId} reports ${req.tokens} tokens, the server counted ${tokens}; weighting by the server's count`);
    return tokens;
  }

  /** Closes `round` with the reporters' updates: aggregate, evaluate, checkpoint, record. */
  async close(round: number, reporters: string[]): Promise<RoundRecord> {
    const { split, queue, store, plan, strategy, registry } = this.deps;
    const account = this.account;
    const fit = this.fit;
    if (account === null || account.round !== round || fit === null) throw new Error(`no bookkeeping for round ${round}`);
    await queue.run(async () => {
      this.global = strategy.aggregateFit(fit.round, account.weightedUpdates(reporters)).global;
      await split.closeRound(reporters, round);
    });
    const evalLoss = await this.evaluate();
    const serverAdapter = await split.serverAdapter();
    const optimizer = await split.optimizerState();
    await store.saveRoundFiles(round, plan, this.global, serverAdapter, optimizer, this.deps.baseParams);
    const record = account.record(this.deps.runId, reporters, evalLoss, { up: registry.totalUp, down: registry.totalDown }, this.deps.now());
    this.deps.metrics.push(record);
    await store.markCompleted(round);
    this.deps.log.info(`round ${round} aggregated from ${reporters.length} volunteer(s): train loss ${record.trainLoss?.toFixed(4)}, eval loss ${evalLoss?.toFixed(4) ?? '—'}`);
    this.account = null;
    this.fit = null;
    return record;
  }

  /** Round 0's record: the evaluation before any training. */
  async evaluateInitial(): Promise<void> {
    try {
      const evalLoss = await this.evaluate();
      const record: RoundRecord = {
        kind: 'round', runId: this.deps.runId, round: 0, trainLoss: null, evalLoss, evalPerplexity: evalLoss === null ? null : Math.exp(evalLoss),
        tokens: 0, bytesUp: 0, bytesDown: 0, clients: 0, participants: [], seconds: 0, tokensPerSecond: 0, endedAt: this.deps.now(),
      };
      this.deps.metrics.push(record);
      this.deps.log.info(`evaluation before training: ${evalLoss === null ? 'no eval data' : `loss ${evalLoss.toFixed(4)}`}`);
    } catch (error) {
      this.deps.log.error(`initial evaluation failed: ${(error as Error).message}`);
    }
  }

  /** Eval loss of the current adapters on the run's evaluation examples; null without any. */
  private async evaluate(): Promise<number | null> {
    const { evalExamples, queue, split } = this.deps;
    if (evalExamples.length === 0) return null;
    return queue.run(() => split.evalLoss(this.global, evalExamples));
  }

  private frames(tensors: NamedHostTensors): TensorFrame[] {
    if (this.framesCache?.source !== tensors) {
      this.framesCache = { source: tensors, frames: Object.entries(tensors).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32')) };
    }
    return this.framesCache.frames;
  }
}
