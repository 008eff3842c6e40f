// One training run: ties the round machine, the server split, the run folder and the clients together.
// The socket layer validates messages and calls these methods; everything it must send comes back through
// the RunNotifier (run-deps.ts). Runs are built by run-factory.ts.
import { join } from 'node:path';
import {
  adapterLayout, completionPrompt, type Example, exportPeftAdapter, fedAvgHost, type Gpt2Tokenizer, hashName, type LoraConfig,
  mixSeed, type NamedHostTensors,
} from '@splitlora/core';
import { writeFiles } from '@splitlora/node';
import {
  type ActivationsRequest, type ActivationsResponse, type AssetInfo, type ClientManifest, encodeFloatFrame, type GenerateResponse,
  type MetricRecord, ProtocolError, type RoundRecord, type RunConfig, type RunInfo, type RunSnapshot, type TensorFrame,
  type UpdateRequest, type UpdateResponse, type generateRequestSchema,
} from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { AssetStore } from './asset-store.js';
import { RoundAccount } from './round-account.js';
import type { LoadedModel } from './model-source.js';
import { type MachineAction, RoundMachine } from './round-machine.js';
import type { RunDeps, RunParts } from './run-deps.js';
import type { RunStore } from './run-store.js';
import { clientManifest, runInfo, runSnapshot } from './run-views.js';
import { SerialQueue } from './serial-queue.js';
import type { ServerSplit, StepInput, StepOutput } from './server-split.js';
import { decodeAdapter, decodeStep } from './step-decoding.js';
import { fusedPositions, maxFusedPositions } from './fusion-limit.js';
import { StepFuser } from './step-fuser.js';


const MAX_STEP_RECORDS = 20_000;

export class Run {
  readonly runId: string;
  readonly machine: RoundMachine;
  private readonly queue = new SerialQueue();
  private readonly assets = new AssetStore();
  private readonly fuser: StepFuser<StepInput, StepOutput> | null;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly timer: ReturnType<typeof setInterval>;
  private globalClient: NamedHostTensors;
  private globalClientFrames: TensorFrame[] | null = null;
  private account: RoundAccount | null = null;
  private readonly lastStep = new Map<string, { round: number; step: number; response: ActivationsResponse }>();
  private readonly inFlight = new Set<string>();
  private readonly metrics: MetricRecord[];
  private readonly assetInfo: { weights: AssetInfo; tokenizer: AssetInfo };
  private error: string | null = null;
  private disposed = false;
  /** Server-side latency of each training step (arrival to answer, fusion wait included), for load measurements. */
  readonly stepLatenciesMs: number[] = [];

  readonly config: RunConfig;
  readonly createdAt: number;
  private readonly model: LoadedModel;
  private readonly tokenizer: Gpt2Tokenizer;
  private readonly split: ServerSplit;
  private readonly store: RunStore;
  private readonly evalExamples: Example[];
  private readonly deps: RunDeps;

  /** Use createRun() or resumeRun() (run-factory.ts), which prepare the parts. */
  constructor(parts: RunParts, deps: RunDeps) {
    this.config = parts.config;
    this.createdAt = parts.createdAt;
    this.model = parts.model;
    this.tokenizer = parts.tokenizer;
    this.split = parts.split;
    this.store = parts.store;
    this.evalExamples = parts.evalExamples;
    this.deps = deps;
    this.runId = parts.runId;
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child(parts.runId);
    this.metrics = parts.metrics;
    this.globalClient = parts.clientAdapter;
    this.assetInfo = { weights: this.assets.add(parts.weightsBlob), tokenizer: this.assets.add(parts.tokenizerBlob) };
    const config = parts.config;
    this.machine = new RoundMachine({
      rounds: config.rounds, localSteps: config.localSteps, minClients: config.minClients, maxClients: config.maxClients,
      roundTimeoutMs: config.roundTimeoutSec * 1000, graceMs: config.reconnectGraceSec * 1000,
    }, parts.completedRounds);
    this.fuser = config.sfl === 'v2'
      ? new StepFuser<StepInput, StepOutput>((items) => this.queue.run(() => this.split.step(items)), config.fusionWindowMs, () => this.activeParticipants(),
        fusedPositions, maxFusedPositions(parts.model.config, config.cut))
      : null;
    this.timer = setInterval(() => this.apply(this.machine.tick(this.now())), 250);
  }

  // ---- what clients and dashboards read ----

  info(): RunInfo {
    return runInfo(this.runId, this.config, this.model.name, this.machine);
  }

  snapshot(): RunSnapshot {
    return runSnapshot(this.info(), this.config, this.model, this.machine, this.error);
  }

  metricHistory(): MetricRecord[] {
    return this.metrics;
  }

  manifest(): ClientManifest {
    return clientManifest(this.runId, this.config, this.model, this.assetInfo, this.deps.maxMessageBytes);
  }

  chunk(hash: string, index: number): Uint8Array | null {
    return this.assets.chunk(hash, index);
  }

  participantIds(): ReadonlySet<string> {
    return new Set(this.machine.participants.keys());
  }

  // ---- control ----

  start(): void {
    if (this.machine.state !== 'created') throw new ProtocolError('RUN_STATE', `the run is ${this.machine.state}; only a created run can start`);
    if (!this.metrics.some((r) => r.kind === 'round' && r.round === 0)) void this.evaluateInitial();
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
    this.apply(this.machine.clientGone(clientId, this.now()));
  }

  // ---- training messages ----

  async activations(clientId: string, req: ActivationsRequest): Promise<ActivationsResponse> {
    const { stamp } = req;
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    const cached = this.lastStep.get(clientId);
    if (cached !== undefined && cached.round === stamp.round && cached.step === stamp.step) return cached.response;
    if (this.inFlight.has(clientId)) throw new ProtocolError('UNAVAILABLE', 'a step of this client is still being processed; ask again shortly');
    const verdict = this.machine.checkStep(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    const decoded = decodeStep(req, this.config, this.model.config.n_embd, this.model.config.vocab_size);
    const input: StepInput = { clientId, ...decoded, globalStep: (stamp.round - 1) * this.config.localSteps + stamp.step };
    this.inFlight.add(clientId);
    const arrived = performance.now();
    let output: StepOutput;
    try {
      output = this.fuser !== null ? await this.fuser.submit(input) : await this.queue.run(async () => (await this.split.step([input]))[0]!);
    } catch (error) {
      if (!isWasmAbort(error) || this.machine.isOver()) throw error;
      // The wasm runtime aborted (out of its heap): every later step would fail too, so the run stops here.
      this.fail(`the server's ${tf.getBackend()} backend aborted during a step of ${decoded.batch}×${decoded.seqLen} on ${this.model.name} (${(error as Error).message}); `
        + 'a wasm heap holds at most 4 GiB: use a smaller batch, sequence length or model, or the native tensorflow backend');
      throw new ProtocolError('RUN_STATE', this.error!);
    } finally {
      this.inFlight.delete(clientId);
    }
    const still = this.machine.checkStep(clientId, stamp.round, stamp.step);
    if (!still.ok) throw new ProtocolError(still.code, `${still.message} (the round changed while the step ran)`);
    this.machine.stepDone(clientId);
    if (this.stepLatenciesMs.length < 1_000_000) this.stepLatenciesMs.push(performance.now() - arrived);
    this.recordStep(clientId, stamp.round, stamp.step, output.loss, decoded.tokens);
    const response: ActivationsResponse = {
      stamp, loss: output.loss, tokens: decoded.tokens,
      gradient: encodeFloatFrame('gradient', [decoded.batch, decoded.seqLen, this.model.config.n_embd], output.gradient, this.config.wireDtype),
    };
    this.lastStep.set(clientId, { round: stamp.round, step: stamp.step, response });
    return response;
  }

  async update(clientId: string, req: UpdateRequest): Promise<UpdateResponse> {
    const { stamp } = req;
    if (stamp.runId !== this.runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${this.runId}`);
    const verdict = this.machine.checkUpdate(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    const layout = adapterLayout(this.model.config, this.config.lora as LoraConfig, 0, this.config.cut);
    const adapter = decodeAdapter(req.adapter, layout);
    const account = this.account!;
    account.addUpdate(clientId, adapter);
    const tokens = account.tokensOf(clientId);
    if (tokens !== req.tokens) this.log.warn(`client ${clientId} reports ${req.tokens} tokens, the server counted ${tokens}; weighting by the server's count`);
    const record = this.deps.registry.get(clientId);
    if (record !== undefined) record.rounds += 1;
    this.apply(this.machine.reported(clientId, Math.max(tokens, 1), this.now()));
    return { round: stamp.round, accepted: true };
  }

  // ---- admin requests ----

  async adapterFiles(round: number, which: 'client' | 'server' | 'combined'): Promise<Record<string, Uint8Array>> {
    if (round > this.machine.completedRounds) throw new ProtocolError('NOT_FOUND', `round ${round} is not completed yet (last completed: ${this.machine.completedRounds})`);
    if (which !== 'combined') {
      const files = await this.store.adapterFiles(round, which === 'client' ? 'client-adapter' : 'server-adapter');
      if (files === null) throw new ProtocolError('NOT_FOUND', `no ${which} adapter saved for round ${round}`);
      return files;
    }
    const client = await this.store.loadAdapter(round, 'client-adapter', this.model.config);
    const server = await this.store.loadAdapter(round, 'server-adapter', this.model.config);
    return { ...exportPeftAdapter(this.model.config, this.config.lora as LoraConfig, { ...client, ...server }, { baseModel: this.model.name }) };
  }

  async generate(req: z.output<typeof generateRequestSchema>): Promise<GenerateResponse> {
    const started = this.now();
    const prompt = req.asContext ? completionPrompt(req.prompt) : req.prompt;
    const ids = this.tokenizer.encode(prompt);
    if (ids.length >= this.model.config.n_positions) throw new ProtocolError('TOO_LARGE', `the prompt has ${ids.length} tokens; the model takes at most ${this.model.config.n_positions - 1}`);
    const out = await this.queue.run(() => this.split.generate(this.globalClient, ids, {
      maxNewTokens: req.maxNewTokens, greedy: req.greedy, temperature: req.temperature, topK: req.topK, seed: req.seed, stopTokenId: this.model.config.eos_token_id,
    }));
    const completion = this.tokenizer.decode(out);
    return { text: prompt + completion, completion, round: this.machine.completedRounds, tokens: out.length, seconds: (this.now() - started) / 1000 };
  }

  /** Milliseconds the server spent computing for this run (steps, evaluation, aggregation, generation). */
  get busyMs(): number {
    return this.queue.busyMs;
  }

  /** The run's folder on disk. */
  get runDir(): string {
    return this.store.dir;
  }

  /** Releases the run's tensors once the work in its queue is done. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.fuser?.cancel(new ProtocolError('RUN_STATE', 'the run was closed'));
    await this.queue.run(async () => this.split.dispose());
  }

  /** Writes the final client + server adapters as one PEFT adapter for the whole model; returns its folder. */
  async exportCombined(round = this.machine.completedRounds): Promise<string> {
    const dir = join(this.store.dir, 'final-adapter');
    await writeFiles(dir, await this.adapterFiles(round, 'combined'));
    return dir;
  }

  // ---- internals ----

  private activeParticipants(): number {
    let n = 0;
    for (const p of this.machine.participants.values()) if (!p.dropped && !p.reported && p.goneAt === null && p.stepsDone < this.config.localSteps) n++;
    return n;
  }

  private recordStep(clientId: string, round: number, step: number, loss: number, tokens: number): void {
    const account = this.account;
    if (account !== null && account.round === round) account.recordStep(clientId, loss, tokens);
    const record = this.deps.registry.get(clientId);
    if (record !== undefined) {
      record.tokens += tokens;
      record.steps += 1;
      record.state = 'training';
    }
    this.pushMetric({ kind: 'step', runId: this.runId, round, step, clientId, loss, tokens, time: this.now() });
  }

  private pushMetric(record: MetricRecord): void {
    this.metrics.push(record);
    if (this.metrics.length > MAX_STEP_RECORDS) {
      const index = this.metrics.findIndex((r) => r.kind === 'step');
      if (index >= 0) this.metrics.splice(index, 1);
    }
    this.store.appendMetric(record);
    this.deps.notify.metric(record);
  }

  private clientFrames(): TensorFrame[] {
    this.globalClientFrames ??= Object.entries(this.globalClient).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
    return this.globalClientFrames;
  }

  private sendRoundStart(clientId: string, round: number, firstStep: number): void {
    this.deps.notify.roundStart(clientId, {
      runId: this.runId, round, rounds: this.config.rounds, localSteps: this.config.localSteps, firstStep,
      globalStepBase: (round - 1) * this.config.localSteps, adapter: this.clientFrames(), seed: mixSeed(this.config.seed, round, hashName(clientId)),
    });
  }

  private apply(actions: MachineAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'state':
          this.log.info(`state → ${action.state}`);
          this.deps.notify.runState(this.info());
          break;
        case 'startRound': {
          const registry = this.deps.registry;
          this.account = new RoundAccount(action.round, this.now(), registry.totalUp, registry.totalDown);
          this.lastStep.clear();
          this.log.info(`round ${action.round}/${this.config.rounds} starts with ${action.participants.length} volunteer(s)`, { participants: action.participants });
          for (const id of action.participants) this.sendRoundStart(id, action.round, 0);
          break;
        }
        case 'resumeParticipant':
          this.log.info(`${action.id} continues round ${action.round} at step ${action.firstStep}`);
          this.sendRoundStart(action.id, action.round, action.firstStep);
          break;
        case 'dropParticipant':
          this.log.warn(`round ${action.round} goes on without ${action.id} (${action.reason})`);
          break;
        case 'restartRound':
          this.log.warn(`round ${action.round} restarts: ${action.reason}`);
          this.split.dropCopies();
          this.account = null;
          break;
        case 'aggregate':
          void this.aggregate(action.round, action.reporters);
          break;
        case 'finished':
          this.log.info(`run ${action.state}`);
          this.fuser?.cancel(new ProtocolError('RUN_STATE', `the run is ${action.state}`));
          break;
      }
    }
    if (actions.length > 0) this.deps.notify.changed();
  }

  private async evaluateInitial(): Promise<void> {
    try {
      const evalLoss = this.evalExamples.length > 0 ? await this.queue.run(() => this.split.evalLoss(this.globalClient, this.evalExamples)) : null;
      const record: RoundRecord = {
        kind: 'round', runId: this.runId, round: 0, trainLoss: null, evalLoss, evalPerplexity: evalLoss === null ? null : Math.exp(evalLoss),
        tokens: 0, bytesUp: 0, bytesDown: 0, clients: 0, participants: [], seconds: 0, tokensPerSecond: 0, endedAt: this.now(),
      };
      this.pushMetric(record);
      this.log.info(`evaluation before training: ${evalLoss === null ? 'no eval data' : `loss ${evalLoss.toFixed(4)}`}`);
    } catch (error) {
      this.log.error(`initial evaluation failed: ${(error as Error).message}`);
    }
  }

  private async aggregate(round: number, reporters: string[]): Promise<void> {
    const account = this.account;
    try {
      if (account === null || account.round !== round) throw new Error(`no bookkeeping for round ${round}`);
      await this.queue.run(async () => {
        this.globalClient = fedAvgHost(account.weightedUpdates(reporters));
        this.globalClientFrames = null;
        await this.split.closeRound(reporters);
      });
      const evalLoss = this.evalExamples.length > 0 ? await this.queue.run(() => this.split.evalLoss(this.globalClient, this.evalExamples)) : null;
      const serverAdapter = await this.split.serverAdapter();
      const optimizer = await this.split.optimizerState();
      await this.store.saveRoundFiles(round, this.model.config, this.config.lora as LoraConfig, this.model.name, this.globalClient, serverAdapter, optimizer);
      const record = account.record(this.runId, reporters, evalLoss, { up: this.deps.registry.totalUp, down: this.deps.registry.totalDown }, this.now());
      this.pushMetric(record);
      await this.store.markCompleted(round);
      this.log.info(`round ${round} aggregated from ${reporters.length} volunteer(s): train loss ${record.trainLoss?.toFixed(4)}, eval loss ${evalLoss?.toFixed(4) ?? '—'}`);
      this.account = null;
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
    this.fuser?.cancel(new ProtocolError('RUN_STATE', 'the run failed'));
    this.deps.notify.runState(this.info());
    this.deps.notify.changed();
  }
}

/** A WebAssembly runtime abort (heap exhausted, out-of-bounds access): the wasm backend cannot be used again. */
function isWasmAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'RuntimeError' && /memory access out of bounds|Aborted|out of memory/i.test(error.message);
}
