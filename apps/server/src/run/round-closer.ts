// A run's rounds from the aggregation's side: what each participant starts a round from (the strategy's
// configure), the round's bookkeeping (steps, tokens, uploaded adapters), and closing it — the strategy aggregates
// the client adapters, the server-adapter policy closes its side, the new adapters are evaluated and checkpointed,
// and the round's record is written. The round machine decides when; this does the work.
import {
  type AggregationStrategy, countAdapterParams, type Example, type FitConfiguration, type FitResult, type FitRound, flatLayoutOf, hashName, mixSeed,
  type NamedHostTensors, type SecAggClientMessage, secureAggregationSettings, type SplitPlan,
} from '@splitlora/core';
import {
  encodeFloatFrame, type FrameBundle, packFrames, ProtocolError, type RoundRecord, type RoundStart, type RunConfig, type SecAggMaskedInput, type TensorFrame,
  type UpdateRequest,
} from '@splitlora/protocol';
import { blockTaskMessage } from './block-task-frames.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Logger } from '../log.js';
import type { MetricLog } from './metric-log.js';
import { RoundAccount } from './round-account.js';
import type { RunStore } from './run-store.js';
import type { SerialQueue } from './serial-queue.js';
import type { ServerSplit } from './server-split.js';
import { type SecAggPush, SecAggRound } from './secagg-round.js';
import { decodeAdapter } from './step-decoding.js';
import { saveBlockVersions } from './block-checkpoint.js';
import { boundUpdate, type UpdateBound, updateBoundFor } from './update-bound.js';

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
  /** Pushes a secure-aggregation message to one volunteer. */
  sendSecAgg: (clientId: string, push: SecAggPush) => void;
}

export class RoundCloser {
  private global: NamedHostTensors;
  /** Frames of the tensors a participant starts from, encoded once per distinct table (FedAvg: one per round). */
  private framesCache: { source: NamedHostTensors; frames: FrameBundle } | null = null;
  private account: RoundAccount | null = null;
  /** The round in progress as the strategy saw it at its start, and what it decided then. */
  private fit: { round: FitRound; configuration: FitConfiguration } | null = null;
  /** The norm bound on every volunteer's update. */
  readonly updateBound: UpdateBound;
  /** The round's secure aggregation, when the run uses it. */
  private secagg: SecAggRound | null = null;
  /** How often the current round number was opened (a restarted round gets fresh keys). */
  private secaggAttempts = { round: 0, count: 0 };

  constructor(private readonly deps: RoundCloserDeps, globalClient: NamedHostTensors) {
    this.global = globalClient;
    this.updateBound = updateBoundFor(deps.config, countAdapterParams(deps.plan.clientAdapterLayout()));
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
    this.secagg?.close('a new round started');
    this.secagg = null;
    if (this.deps.config.secureAggregation) {
      const { config, runId, log, sendSecAgg } = this.deps;
      this.secaggAttempts = this.secaggAttempts.round === round ? { round, count: this.secaggAttempts.count + 1 } : { round, count: 1 };
      const settings = secureAggregationSettings(config, runId, round, participants.length, flatLayoutOf(this.global).length, this.secaggAttempts.count);
      this.secagg = new SecAggRound({ runId, round, participants, settings, send: sendSecAgg, log });
    }
  }

  /** A round restarts: its bookkeeping and what the server trained for it alone are dropped. */
  abort(): void {
    this.account = null;
    this.fit = null;
    this.secagg?.close('the round restarted');
    this.secagg = null;
    // In the queue: a step of the aborted round still computing finishes before the server adapter rolls back.
    void this.deps.queue.run(async () => this.deps.split.abortRound());
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
      ...(this.secagg === null ? {} : { secureAggregation: this.secagg.settings }),
      ...(blockTask === undefined ? {} : { blockTask: blockTaskMessage(this.deps.plan.config, blockTask) }),
    };
  }

  /** A secure-aggregation message of a participant (keys, shares, unmasking); throws a ProtocolError when refused. */
  async secaggMessage(message: Exclude<SecAggClientMessage, { type: 'masked-input' }>): Promise<void> {
    if (this.secagg === null) throw new ProtocolError('BAD_REQUEST', 'this round does not use secure aggregation');
    await this.secagg.receive(message);
  }

  /** A participant's masked update and report under secure aggregation; returns its weight (tokens the server counted). */
  async acceptMaskedUpdate(clientId: string, req: SecAggMaskedInput): Promise<number> {
    const secagg = this.secagg;
    if (secagg === null) throw new ProtocolError('BAD_REQUEST', 'this round does not use secure aggregation; send round:update');
    const view = new DataView(req.masked.buffer, req.masked.byteOffset, req.masked.byteLength);
    const masked = new Uint32Array(req.masked.byteLength / 4);
    for (let i = 0; i < masked.length; i++) masked[i] = view.getUint32(i * 4, true);
    await secagg.receive({ type: 'masked-input', from: clientId, masked });
    return this.account!.tokensOf(clientId);
  }

  /** A participant is gone for the round's secure aggregation (dropped by the round, or gone after its masked update). */
  secaggDropped(clientId: string): void {
    void this.secagg?.dropped(clientId);
  }

  /** Whether the participant's masked update is in. */
  secaggReported(clientId: string): boolean {
    return this.secagg?.hasMaskedInput(clientId) ?? false;
  }

  /** A participant came back within the round: the last secure-aggregation message again. */
  secaggResend(clientId: string): void {
    this.secagg?.resend(clientId);
  }

  /** A trained step of this round: its loss and tokens count towards the round's loss and the client's weight. */
  recordStep(clientId: string, round: number, loss: number | null, tokens: number): void {
    const account = this.account;
    if (account !== null && account.round === round) account.recordStep(clientId, loss, tokens);
  }

  /**
   * Checks a participant's adapter, bounds its update (clipped to the run's norm, refused above the hard limit) and
   * keeps it; returns the weight it gets (the tokens the server counted).
   */
  acceptUpdate(clientId: string, req: UpdateRequest): number {
    if (this.secagg !== null) throw new ProtocolError('BAD_REQUEST', 'this run uses secure aggregation: send the masked update (secagg:masked-input), never the adapter in the clear');
    const layout = this.fit?.configuration.updateLayoutFor?.(clientId);
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
    const decoded = decodeAdapter(req.adapter, layout ?? this.deps.plan.clientAdapterLayout());
    // A LoRA update is measured against the round's start adapter; a block method's upload against the block as it
    // was sent, with AdamW's bound for a whole block's values.
    const configuration = this.fit!.configuration;
    const start = configuration.updateStartFor?.(clientId) ?? configuration.startFor(clientId);
    const bound = layout === undefined ? this.updateBound : updateBoundFor(this.deps.config, countAdapterParams(layout));
    const { adapter, norm, clipped } = boundUpdate(decoded, start, bound);
    if (account.tokensOf(clientId) === 0) throw new ProtocolError('STALE', `the server trained no tokens of this client in round ${account.round}; its update has no weight`);
    if (clipped) this.deps.log.warn(`client ${clientId}: update norm ${norm.toPrecision(4)} clipped to ${bound.clipNorm.toPrecision(4)}`);
    account.addUpdate(clientId, adapter);
    this.deps.strategy.handOn?.(clientId, adapter);
    if (this.deps.plan.uShaped) {
      // The server saw positions, not the loss mask: the client's own count weighs its update, bounded by them.
      account.addClientReport(clientId, req.tokens, req.heldOut);
      return account.weightOf(clientId);
    }
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
    let privacy: RoundRecord['privacy'];
    const masked = this.secagg === null ? null : await this.maskedSum(reporters);
    await queue.run(async () => {
      const result: FitResult = masked === null ? strategy.aggregateFit(fit.round, account.weightedUpdates(reporters)) : strategy.aggregateSum(fit.round, masked);
      this.global = result.global;
      privacy = result.privacy;
      await split.closeRound(reporters, round);
    });
    // Without a server-side eval set, a u-shaped run is evaluated in the tabs, each on a held-out share of its data.
    const evalLoss = (await this.evaluate()) ?? account.heldOutLoss(reporters);
    const serverAdapter = await split.serverAdapter();
    const optimizer = await split.optimizerState();
    await store.saveRoundFiles(round, plan, this.global, serverAdapter, optimizer, this.deps.baseParams);
    const versions = strategy.versions?.();
    if (versions !== undefined) await saveBlockVersions(store.dir, round, versions); // a block method resumes from them
    const record = account.record(this.deps.runId, reporters, evalLoss, { up: registry.totalUp, down: registry.totalDown }, this.deps.now());
    if (privacy !== undefined) record.privacy = privacy;
    this.deps.metrics.push(record);
    await store.markCompleted(round);
    this.deps.log.info(`round ${round} aggregated from ${reporters.length} volunteer(s): train loss ${record.trainLoss?.toFixed(4) ?? '— (kept in the tabs)'}, eval loss ${evalLoss?.toFixed(4) ?? '—'}${describePrivacy(privacy)}`);
    if (privacy?.dp?.budgetWarning) this.deps.log.warn(privacy.dp.budgetWarning);
    this.account = null;
    this.fit = null;
    return record;
  }

  /** The survivors' sum from secure aggregation: participants that did not report are dropped, then unmasking runs. */
  private async maskedSum(reporters: readonly string[]) {
    const secagg = this.secagg!;
    for (const id of this.fit!.round.participants) if (!reporters.includes(id)) await secagg.dropped(id);
    const masked = await secagg.sum(this.deps.config.roundTimeoutSec * 1000);
    this.secagg = null;
    const missing = reporters.filter((id) => !masked.survivors.includes(id));
    if (missing.length > 0) this.deps.log.warn(`secure aggregation left out reporters ${missing.join(', ')} (their masked updates were not in time)`);
    return masked;
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

  private frames(tensors: NamedHostTensors): FrameBundle {
    if (this.framesCache?.source !== tensors) {
      this.framesCache = { source: tensors, frames: packFrames(Object.entries(tensors).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'))) };
    }
    return this.framesCache.frames;
  }
}

/** The privacy figures of a round for its log line. */
function describePrivacy(privacy: RoundRecord['privacy']): string {
  if (privacy === undefined) return '';
  const parts: string[] = [];
  if (privacy.dp !== null) parts.push(`DP ε ${privacy.dp.epsilon === null ? '∞ (σ = 0)' : privacy.dp.epsilon.toFixed(3)} at δ ${privacy.dp.delta}${privacy.dp.epsilonBudget === null ? '' : ` of budget ${privacy.dp.epsilonBudget}`}`);
  if (privacy.secureAggregation !== null) parts.push(`secure aggregation of ${privacy.secureAggregation.survivors} (${privacy.secureAggregation.dropped} dropped)`);
  return parts.length === 0 ? '' : `; ${parts.join(', ')}`;
}
