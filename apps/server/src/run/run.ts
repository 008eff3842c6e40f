// One training run, as the socket layer and the dashboards see it: a thin façade over the round machine (when
// things happen), the step service (training steps), the round closer (round starts, updates, aggregation) and the
// run's outputs (adapter files, generation). It carries out the machine's actions and tells the server what to send
// through the RunNotifier (run-deps.ts). Runs are built by run-factory.ts.
import { type NamedHostTensors, PrivacyBudgetSpent, type SecAggClientMessage, type SplitPlan } from '@splitlora/core';
import {
  type ActivationsRequest, type ActivationsResponse, type AssetInfo, type ClientManifest, type CutForwardRequest, type CutForwardResponse,
  type EvalForwardRequest, type EvalForwardResponse, type GenerateResponse, type GenerateSettings, type LocalStepRequest, type LocalStepResponse,
  type MetricRecord, type OutputGradientRequest, type OutputGradientResponse, ProtocolError, type RunConfig, type RunInfo, type RunLeakage,
  type RunSnapshot, type SecAggAccepted, type SecAggMaskedInput, type Stamp, takesTurns, trainsLocally, type UpdateRequest, type UpdateResponse,
} from '@splitlora/protocol';
import type { Logger } from '../log.js';
import { AssetStore } from './asset-store.js';
import { measuredLeakage } from './measured-leakage.js';
import { MetricLog } from './metric-log.js';
import { type MachineAction, RoundMachine } from './round-machine.js';
import { RoundCloser } from './round-closer.js';
import { RunOutputs } from './run-outputs.js';
import type { RunDeps, RunParts } from './run-deps.js';
import type { RunStore } from './run-store.js';
import { clientManifest, runInfo, runSnapshot } from './run-views.js';
import { SerialQueue } from './serial-queue.js';
import { turnNotice } from './turn-notice.js';
import type { ServerSplit } from './server-split.js';
import { StepService } from './step-service.js';
import { UShapedStepService } from './u-shaped-step-service.js';

export class Run {
  readonly runId: string;
  readonly machine: RoundMachine;
  readonly config: RunConfig;
  readonly createdAt: number;
  /** The run's invite token (config.inviteOnly): volunteers must connect with it. Null for an open run. */
  readonly invite: string | null;
  private readonly queue = new SerialQueue();
  private readonly assets = new AssetStore();
  private readonly assetInfo: { weights: AssetInfo; tokenizer: AssetInfo };
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly metrics: MetricLog;
  private readonly steps: StepService;
  private readonly uSteps: UShapedStepService;
  private readonly rounds: RoundCloser;
  private readonly outputs: RunOutputs;
  private readonly plan: SplitPlan;
  private readonly split: ServerSplit;
  private readonly store: RunStore;
  private readonly strategy: RunParts['strategy'];
  private error: string | null = null;
  /** The measured token recovery at this run's cut (the leakage benchmark's figures), for dashboards and volunteers. */
  private readonly leakage: RunLeakage | null;
  private disposed = false;

  /** Use createRun() or resumeRun() (run-factory.ts), which prepare the parts. */
  constructor(parts: RunParts, private readonly deps: RunDeps) {
    const { config } = parts;
    this.runId = parts.runId;
    this.config = config;
    this.createdAt = parts.createdAt;
    this.invite = parts.invite;
    this.plan = parts.plan;
    this.split = parts.split;
    this.store = parts.store;
    this.strategy = parts.strategy;
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child(parts.runId);
    this.assetInfo = { weights: this.assets.add(parts.weightsBlob), tokenizer: this.assets.add(parts.tokenizerBlob) };
    this.metrics = new MetricLog(parts.metrics, parts.store, deps.notify);
    this.machine = new RoundMachine({
      rounds: config.rounds, localSteps: config.localSteps, minClients: config.minClients, maxClients: config.maxClients,
      roundTimeoutMs: config.roundTimeoutSec * 1000, graceMs: config.reconnectGraceSec * 1000, sequential: takesTurns(config.method),
    }, parts.completedRounds);
    this.rounds = new RoundCloser({
      runId: this.runId, config, plan: parts.plan, strategy: parts.strategy, split: parts.split, queue: this.queue, store: parts.store,
      metrics: this.metrics, registry: deps.registry, evalExamples: parts.evalExamples, baseParams: parts.model.params, log: this.log, now: this.now,
      sendSecAgg: (clientId, push) => deps.notify.secagg(clientId, push),
    }, parts.clientAdapter);
    this.steps = new StepService({
      runId: this.runId, config, modelName: parts.plan.modelName, machine: this.machine, queue: this.queue, split: parts.split,
      onStep: (clientId, round, step, loss, tokens) => this.stepDone(clientId, round, step, loss, tokens),
      onBackendLost: (reason) => this.fail(reason),
    });
    this.uSteps = new UShapedStepService({
      runId: this.runId, config, machine: this.machine, queue: this.queue, split: parts.split,
      onStep: (clientId, round, step, positions) => this.stepDone(clientId, round, step, null, positions),
    });
    this.outputs = new RunOutputs({
      plan: parts.plan, tokenizer: parts.tokenizer, store: parts.store, split: parts.split, queue: this.queue, machine: this.machine,
      globalClient: () => this.rounds.globalClient, now: this.now,
    });
    this.leakage = measuredLeakage(parts.plan.modelName, parts.plan.cut, (m) => this.log.warn(m));
    this.timer = setInterval(() => this.apply(this.machine.tick(this.now())), 250);
  }

  // ---- what clients and dashboards read ----

  info(): RunInfo {
    return runInfo(this.runId, this.config, this.plan.modelName, this.machine);
  }

  snapshot(): RunSnapshot {
    return { ...runSnapshot(this.info(), this.config, this.plan, this.machine, this.error, this.leakage, this.strategy.versions?.()), invite: this.invite };
  }

  metricHistory(): MetricRecord[] {
    return this.metrics.history();
  }

  manifest(): ClientManifest {
    return clientManifest(this.runId, this.config, this.plan, this.assetInfo, this.deps.maxMessageBytes);
  }

  chunk(hash: string, index: number): Uint8Array | null {
    return this.assets.chunk(hash, index);
  }

  participantIds(): ReadonlySet<string> {
    return new Set(this.machine.participants.keys());
  }

  /** Server-side latency of each training step (arrival to answer, fusion wait included), for load measurements. */
  get stepLatenciesMs(): number[] {
    return this.steps.latenciesMs;
  }

  /** Milliseconds the server spent computing for this run (steps, evaluation, aggregation, generation). */
  get busyMs(): number {
    return this.queue.busyMs;
  }

  /** The current global client adapter. */
  get globalClient(): NamedHostTensors {
    return this.rounds.globalClient;
  }

  /** The run's folder on disk. */
  get runDir(): string {
    return this.store.dir;
  }

  // ---- control ----

  start(): void {
    if (this.machine.state !== 'created') throw new ProtocolError('RUN_STATE', `the run is ${this.machine.state}; only a created run can start`);
    if (!this.metrics.hasRound(0)) void this.rounds.evaluateInitial();
    this.apply(this.machine.start(this.now()));
  }

  pause(): void {
    const actions = this.machine.pause(this.now());
    if (actions.length === 0) throw new ProtocolError('RUN_STATE', `the run is ${this.machine.state}; it cannot be paused`);
    this.apply(actions);
  }

  resume(): void {
    const actions = this.machine.resume(this.now());
    if (actions.length === 0) throw new ProtocolError('RUN_STATE', `the run is ${this.machine.state}, not paused`);
    this.apply(actions);
  }

  stop(): void {
    const actions = this.machine.stop();
    if (actions.length === 0) throw new ProtocolError('RUN_STATE', `the run is already ${this.machine.state}`);
    this.apply(actions);
  }

  clientReady(clientId: string): void {
    this.apply(this.machine.clientReady(clientId, this.now()));
  }

  clientGone(clientId: string): void {
    // Its masked update is in: its only part left is unmasking, which the others' shares cover (docs/PRIVACY.md).
    if (this.rounds.secaggReported(clientId)) this.rounds.secaggDropped(clientId);
    this.apply(this.machine.clientGone(clientId, this.now()));
  }

  // ---- training messages ----

  activations(clientId: string, req: ActivationsRequest): Promise<ActivationsResponse> {
    if (trainsLocally(this.config.method)) throw new ProtocolError('BAD_REQUEST', `method ${this.config.method} trains inside the tab; send train:local-step, not activations`);
    if (this.plan.uShaped) throw new ProtocolError('BAD_REQUEST', 'this run is u-shaped: the tab keeps the head and its labels; send ushaped:forward and ushaped:backward, not train:activations');
    return this.steps.handle(clientId, req);
  }

  cutForward(clientId: string, req: CutForwardRequest): Promise<CutForwardResponse> {
    return this.uShaped().forward(clientId, req);
  }

  outputGradient(clientId: string, req: OutputGradientRequest): Promise<OutputGradientResponse> {
    return this.uShaped().backward(clientId, req);
  }

  evalForward(clientId: string, req: EvalForwardRequest): Promise<EvalForwardResponse> {
    return this.uShaped().evaluate(clientId, req);
  }

  private uShaped(): UShapedStepService {
    if (trainsLocally(this.config.method)) throw new ProtocolError('BAD_REQUEST', `method ${this.config.method} trains inside the tab; send train:local-step, not u-shaped exchanges`);
    if (!this.plan.uShaped) throw new ProtocolError('BAD_REQUEST', 'this run uses the standard layout: send train:activations with targets and mask');
    return this.uSteps;
  }

  /** A step a scale-out worker trained for this run (its own checks passed): the round machine and the books count it. */
  remoteStep(clientId: string, round: number, step: number, loss: number, tokens: number): boolean {
    if (!this.machine.checkStep(clientId, round, step).ok) return false;
    this.machine.stepDone(clientId);
    this.stepDone(clientId, round, step, loss, tokens);
    return true;
  }

  /** A step a volunteer trained inside its tab (methods cybgd, fedlora): counted like a server step, in order, once. */
  localStep(clientId: string, req: LocalStepRequest): LocalStepResponse {
    const { stamp } = req;
    if (!trainsLocally(this.config.method)) throw new ProtocolError('BAD_REQUEST', `method ${this.config.method} trains through the server; send train:activations`);
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    const p = this.machine.participants.get(clientId);
    if (stamp.round === this.machine.round && p !== undefined && !p.dropped && p.stepsDone === stamp.step + 1) return { stamp, accepted: true }; // a replay: counted once
    const verdict = this.machine.checkStep(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    this.machine.stepDone(clientId);
    this.stepDone(clientId, stamp.round, stamp.step, req.loss, req.tokens);
    return { stamp, accepted: true };
  }

  async update(clientId: string, req: UpdateRequest): Promise<UpdateResponse> {
    const { stamp } = req;
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    const verdict = this.machine.checkUpdate(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    const tokens = this.rounds.acceptUpdate(clientId, req);
    const record = this.deps.registry.get(clientId);
    if (record !== undefined) record.rounds += 1;
    this.apply(this.machine.reported(clientId, Math.max(tokens, 1), this.now()));
    return { round: stamp.round, accepted: true };
  }

  /** A secure-aggregation message of a participant of the current round (keys, shares, unmasking). */
  async secagg(clientId: string, stamp: Stamp, message: Exclude<SecAggClientMessage, { type: 'masked-input' }>): Promise<SecAggAccepted> {
    this.checkRoundStamp(clientId, stamp);
    await this.rounds.secaggMessage(message);
    return { accepted: true };
  }

  /** A participant's masked update under secure aggregation: its report of the round (instead of round:update). */
  async maskedUpdate(clientId: string, req: SecAggMaskedInput): Promise<UpdateResponse> {
    const { stamp } = req;
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    const verdict = this.machine.checkUpdate(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    const tokens = await this.rounds.acceptMaskedUpdate(clientId, req);
    if (tokens !== req.tokens) this.log.warn(`client ${clientId} reports ${req.tokens} tokens, the server counted ${tokens}`);
    const record = this.deps.registry.get(clientId);
    if (record !== undefined) record.rounds += 1;
    this.apply(this.machine.reported(clientId, Math.max(tokens, 1), this.now()));
    return { round: stamp.round, accepted: true };
  }

  // ---- admin requests ----

  adapterFiles(round: number, which: 'client' | 'server' | 'combined'): Promise<Record<string, Uint8Array>> {
    return this.outputs.adapterFiles(round, which);
  }

  generate(req: GenerateSettings): Promise<GenerateResponse> {
    return this.outputs.generate(req);
  }

  /** Writes the final client + server adapters as one PEFT adapter for the whole model; returns its folder. */
  exportCombined(round = this.machine.completedRounds): Promise<string> {
    return this.outputs.exportCombined(round);
  }

  /** Block-training runs: writes the round's model as a Hugging Face checkpoint; returns its folder (null for LoRA runs). */
  exportModel(round = this.machine.completedRounds): Promise<string | null> {
    return this.outputs.exportModel(round);
  }

  /** Releases the run's tensors once the work in its queue is done. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.steps.cancel('the run was closed');
    await this.queue.run(async () => this.split.dispose());
  }

  // ---- internals ----

  private checkRoundStamp(clientId: string, stamp: Stamp): void {
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    if (stamp.round !== this.machine.round) throw new ProtocolError('STALE', `round ${stamp.round} is not the current round ${this.machine.round}`);
    if (!this.machine.participants.has(clientId)) throw new ProtocolError('NOT_SELECTED', `this client is not a participant of round ${stamp.round}`);
  }

  /** A trained step; a u-shaped step has no loss (it stays in the tab) and counts positions as tokens. */
  private stepDone(clientId: string, round: number, step: number, loss: number | null, tokens: number): void {
    this.rounds.recordStep(clientId, round, loss, tokens);
    const record = this.deps.registry.get(clientId);
    if (record !== undefined) {
      record.tokens += tokens;
      record.steps += 1;
      record.state = 'training';
    }
    this.metrics.push({ kind: 'step', runId: this.runId, round, step, clientId, loss, tokens, time: this.now() });
  }

  /** Carries out what the round machine decided. */
  private apply(actions: MachineAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'state':
          this.log.info(`state → ${action.state}`);
          this.deps.notify.runState(this.info());
          break;
        case 'startRound':
          if (!this.openRound(action.round, action.participants)) return;
          for (const id of action.participants) this.deps.notify.roundStart(id, this.rounds.roundStart(id, action.round, 0));
          break;
        case 'openRound':
          if (!this.openRound(action.round, action.participants)) return;
          break;
        case 'startTurn':
          this.log.info(`round ${action.round}: ${action.id}'s turn`);
          this.deps.notify.roundStart(action.id, this.rounds.roundStart(action.id, action.round, 0));
          break;
        case 'turnNotices':
          for (const id of action.ids) {
            const notice = turnNotice(this.runId, this.machine.turns, id);
            if (notice !== null) this.deps.notify.turn(id, notice);
          }
          break;
        case 'resumeParticipant':
          this.log.info(`${action.id} continues round ${action.round} at step ${action.firstStep}`);
          this.deps.notify.roundStart(action.id, this.rounds.roundStart(action.id, action.round, action.firstStep));
          this.rounds.secaggResend(action.id);
          break;
        case 'dropParticipant':
          this.log.warn(`round ${action.round} goes on without ${action.id} (${action.reason})`);
          this.rounds.secaggDropped(action.id);
          break;
        case 'restartRound':
          this.log.warn(`round ${action.round} restarts: ${action.reason}`);
          this.rounds.abort();
          break;
        case 'aggregate':
          void this.closeRound(action.round, action.reporters);
          break;
        case 'finished':
          this.log.info(`run ${action.state}`);
          this.steps.cancel(`the run is ${action.state}`);
          break;
      }
    }
    if (actions.length > 0) this.deps.notify.changed();
  }

  /** A round opens: the strategy configures it and the step services start afresh; false when the run stopped instead. */
  private openRound(round: number, participants: string[]): boolean {
    try {
      this.rounds.open(round, participants);
    } catch (error) {
      if (!(error instanceof PrivacyBudgetSpent)) throw error;
      this.log.warn(error.message);
      this.apply(this.machine.stop());
      return false;
    }
    this.steps.newRound();
    this.uSteps.newRound();
    this.log.info(`round ${round}/${this.config.rounds} starts with ${participants.length} volunteer(s)`, { participants });
    return true;
  }

  private async closeRound(round: number, reporters: string[]): Promise<void> {
    try {
      const record = await this.rounds.close(round, reporters);
      const actions = this.machine.aggregated(this.now());
      this.deps.notify.roundEnd(record, !this.machine.isOver());
      this.apply(actions);
    } catch (error) {
      this.fail(`aggregation of round ${round} failed: ${(error as Error).message}`);
    }
  }

  /** Ends the run as failed with `reason` (shown to the dashboard and, through the run state, to volunteers). */
  private fail(reason: string): void {
    if (this.machine.isOver()) return;
    this.error = reason;
    this.log.error(reason);
    this.machine.state = 'failed';
    this.steps.cancel('the run failed');
    this.deps.notify.runState(this.info());
    this.deps.notify.changed();
  }
}
