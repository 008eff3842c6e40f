// One training run: ties the round machine, the server split, the run folder and the clients together.
// The socket layer validates messages and calls these methods; everything it must send comes back through
// the RunNotifier.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  adapterLayout, clientPart, completionPrompt, CoreError, countAdapterParams, countElements, type Example, examplesFromFile,
  expectedParamShapes, exportPeftAdapter, fedAvgHost, type Gpt2Tokenizer, hashName, initAdapter, type LoraConfig, mixSeed,
  type NamedHostTensors, validateCut, validateLoraConfig, writeSafetensors,
} from '@splitlora/core';
import { readTokenizerFiles, writeFiles } from '@splitlora/node';
import {
  type ActivationsRequest, type ActivationsResponse, type AssetInfo, type ClientManifest, encodeFloatFrame, type GenerateResponse,
  type MetricRecord, MESSAGE_OVERHEAD_BYTES, ProtocolError, type RoundRecord, type RoundStart, type RunConfig, type RunInfo,
  type RunSnapshot, type TensorFrame, type UpdateRequest, type UpdateResponse, type generateRequestSchema,
} from '@splitlora/protocol';
import type { z } from 'zod';
import { Gpt2Tokenizer as Tokenizer } from '@splitlora/core';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Logger } from '../log.js';
import { AssetStore } from './asset-store.js';
import { loadModel, type LoadedModel } from './model-source.js';
import { type MachineAction, RoundMachine } from './round-machine.js';
import { RunStore } from './run-store.js';
import { SerialQueue } from './serial-queue.js';
import { ServerSplit, type StepInput, type StepOutput } from './server-split.js';
import { decodeAdapter, decodeStep } from './step-decoding.js';
import { StepFuser } from './step-fuser.js';

export interface RunNotifier {
  roundStart(clientId: string, msg: RoundStart): void;
  runState(info: RunInfo): void;
  roundEnd(record: RoundRecord, more: boolean): void;
  metric(record: MetricRecord): void;
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
}

interface RoundAccount {
  round: number;
  startedAt: number;
  upAtStart: number;
  downAtStart: number;
  lossSum: number;
  tokens: number;
  tokensByClient: Map<string, number>;
  updates: Map<string, NamedHostTensors>;
}

const MAX_STEP_RECORDS = 20_000;

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

function badConfig(error: unknown): never {
  if (error instanceof CoreError) throw new ProtocolError('BAD_REQUEST', error.message);
  throw error;
}

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
  private weightsAsset!: AssetInfo;
  private tokenizerAsset!: AssetInfo;
  private error: string | null = null;
  private disposed = false;
  /** Server-side latency of each training step (arrival to answer, fusion wait included), for load measurements. */
  readonly stepLatenciesMs: number[] = [];

  private constructor(
    readonly config: RunConfig,
    readonly createdAt: number,
    private readonly model: LoadedModel,
    private readonly tokenizer: Gpt2Tokenizer,
    private readonly split: ServerSplit,
    private readonly store: RunStore,
    private readonly evalExamples: Example[],
    private readonly deps: RunDeps,
    runId: string,
    completedRounds: number,
    metrics: MetricRecord[],
  ) {
    this.runId = runId;
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child(runId);
    this.metrics = metrics;
    this.machine = new RoundMachine({
      rounds: config.rounds, localSteps: config.localSteps, minClients: config.minClients, maxClients: config.maxClients,
      roundTimeoutMs: config.roundTimeoutSec * 1000, graceMs: config.reconnectGraceSec * 1000,
    }, completedRounds);
    this.globalClient = {};
    this.fuser = config.sfl === 'v2'
      ? new StepFuser((items) => this.queue.run(() => this.split.step(items)), config.fusionWindowMs, () => this.activeParticipants())
      : null;
    this.timer = setInterval(() => this.apply(this.machine.tick(this.now())), 250);
  }

  // ---- creation and resumption ----

  static async create(config: RunConfig, deps: RunDeps): Promise<Run> {
    const now = (deps.now ?? Date.now)();
    const model = await Run.prepareModel(config, deps);
    const runId = newRunId(now);
    const store = await RunStore.create(join(deps.runsDir, runId), { runId, createdAt: now, config });
    const lora = config.lora as LoraConfig;
    const clientAdapter = initAdapter(model.config, lora, 0, config.cut, config.seed);
    const serverAdapter = initAdapter(model.config, lora, config.cut, model.config.n_layer, config.seed);
    await store.saveRoundFiles(0, model.config, lora, model.name, clientAdapter, serverAdapter, null);
    await store.markCompleted(0);
    const run = await Run.assemble(config, now, model, store, deps, runId, 0, [], clientAdapter, { serverAdapter, optimizer: null });
    run.log.info(`created ${config.sfl.toUpperCase()} run "${config.name}" on ${model.name}, cut ${config.cut}`, { dir: store.dir });
    return run;
  }

  static async resume(dir: string, deps: RunDeps): Promise<Run> {
    const store = new RunStore(resolve(dir));
    if (!RunStore.exists(store.dir)) throw new Error(`${dir} is not a run folder (config.json and state.json expected)`);
    const stored = store.readRun();
    const { completedRounds } = store.readState();
    const model = await Run.prepareModel(stored.config, deps);
    const clientAdapter = await store.loadAdapter(completedRounds, 'client-adapter', model.config);
    const serverAdapter = await store.loadAdapter(completedRounds, 'server-adapter', model.config);
    const optimizer = await store.loadOptimizer(completedRounds);
    // Step records of an unfinished round stay (they happened); round records past the resume point cannot exist twice.
    const metrics = store.readMetrics().filter((r) => r.kind === 'step' || r.round <= completedRounds);
    const run = await Run.assemble(stored.config, stored.createdAt, model, store, deps, stored.runId, completedRounds, metrics, clientAdapter, { serverAdapter, optimizer });
    run.log.info(`resumed after round ${completedRounds} of ${stored.config.rounds}`, { dir: store.dir });
    return run;
  }

  private static async prepareModel(config: RunConfig, deps: RunDeps): Promise<LoadedModel> {
    let model: LoadedModel;
    try {
      validateLoraConfig(config.lora as LoraConfig);
      model = await loadModel(config.model, config.seed, deps.modelsDir);
      validateCut(model.config, config.cut, model.name);
    } catch (error) {
      return badConfig(error);
    }
    const wireBytes = config.wireDtype === 'float16' ? 2 : 4;
    const frameBytes = config.batchSize * config.maxSeqLen * model.config.n_embd * wireBytes;
    if (frameBytes + MESSAGE_OVERHEAD_BYTES > deps.maxMessageBytes) {
      throw new ProtocolError('BAD_REQUEST', `activations of up to ${frameBytes} bytes (batch ${config.batchSize} × ${config.maxSeqLen} × ${model.config.n_embd} × ${wireBytes}) exceed the server's message limit of ${deps.maxMessageBytes} bytes; lower batchSize or maxSeqLen, use fp16, or start the server with a larger --max-message-mb`);
    }
    return model;
  }

  private static async assemble(
    config: RunConfig, createdAt: number, model: LoadedModel, store: RunStore, deps: RunDeps, runId: string, completedRounds: number,
    metrics: MetricRecord[], clientAdapter: NamedHostTensors, server: ConstructorParameters<typeof ServerSplit>[3],
  ): Promise<Run> {
    const tokenizerDir = model.tokenizerDir ?? (deps.dataDir === null ? null : join(deps.dataDir, 'gpt2-tokenizer'));
    if (tokenizerDir === null) throw new ProtocolError('UNAVAILABLE', 'no tokenizer: the server has no data folder with gpt2-tokenizer/ (set SPLITLORA_DATA_DIR)');
    const files = await readTokenizerFiles(tokenizerDir);
    const tokenizer = Tokenizer.fromFiles(files.vocabJson, files.mergesTxt);
    const evalExamples = await Run.loadEval(config, tokenizer, deps);
    const split = new ServerSplit(model.config, model.params, config, server);
    const run = new Run(config, createdAt, model, tokenizer, split, store, evalExamples, deps, runId, completedRounds, metrics);
    run.globalClient = clientAdapter;
    run.tokenizerAsset = run.assets.add(new TextEncoder().encode(JSON.stringify(files)));
    const clientNames = Object.keys(expectedParamShapes(model.config, clientPart(config.cut)));
    run.weightsAsset = run.assets.add(writeSafetensors(Object.fromEntries(clientNames.map((n) => [n, model.params[n]!])), 'F32'));
    return run;
  }

  private static async loadEval(config: RunConfig, tokenizer: Gpt2Tokenizer, deps: RunDeps): Promise<Example[]> {
    if (config.evalData === null) return [];
    if (deps.dataDir === null) throw new ProtocolError('UNAVAILABLE', 'evalData needs the server data folder (SPLITLORA_DATA_DIR)');
    const path = resolve(deps.dataDir, config.evalData);
    if (relative(deps.dataDir, path).startsWith('..')) throw new ProtocolError('BAD_REQUEST', `evalData must be inside the data folder, found ${config.evalData}`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new ProtocolError('NOT_FOUND', `evalData file ${config.evalData} not found in the data folder`);
    }
    try {
      return examplesFromFile(tokenizer, path, text, { maxSeqLen: config.maxSeqLen }).slice(0, config.evalSamples);
    } catch (error) {
      return badConfig(error);
    }
  }

  // ---- what clients and dashboards read ----

  info(): RunInfo {
    return { runId: this.runId, name: this.config.name, state: this.machine.state, round: this.machine.round, rounds: this.config.rounds, model: this.model.name, sfl: this.config.sfl };
  }

  snapshot(): RunSnapshot {
    const c = this.model.config;
    const lora = this.config.lora as LoraConfig;
    const total = Object.values(expectedParamShapes(c)).reduce((s, shape) => s + countElements(shape), 0);
    const client = Object.values(expectedParamShapes(c, clientPart(this.config.cut))).reduce((s, shape) => s + countElements(shape), 0);
    return {
      ...this.info(), config: this.config, participants: [...this.machine.participants.keys()], roundStartedAt: this.machine.roundStartedAt,
      completedRounds: this.machine.completedRounds, error: this.error,
      modelSummary: {
        name: this.model.name, layers: c.n_layer, embd: c.n_embd, totalParams: total, clientParams: client,
        clientTrainable: countAdapterParams(adapterLayout(c, lora, 0, this.config.cut)),
        serverTrainable: countAdapterParams(adapterLayout(c, lora, this.config.cut, c.n_layer)),
      },
    };
  }

  metricHistory(): MetricRecord[] {
    return this.metrics;
  }

  manifest(): ClientManifest {
    const c = this.config;
    return {
      runId: this.runId,
      model: { name: this.model.name, config: { ...this.model.config } as unknown as Record<string, number | string | null> },
      cut: c.cut,
      split: { mode: 'standard', cut: c.cut },
      lora: c.lora,
      training: {
        batchSize: c.batchSize, maxSeqLen: c.maxSeqLen, padMultiple: c.padMultiple, localSteps: c.localSteps, wireDtype: c.wireDtype,
        lr: c.lr, schedule: c.schedule, warmupSteps: c.warmupSteps, totalSteps: c.rounds * c.localSteps, weightDecay: c.weightDecay,
        maxGradNorm: c.maxGradNorm, seed: c.seed,
      },
      assets: { weights: this.weightsAsset, tokenizer: this.tokenizerAsset },
      maxMessageBytes: this.deps.maxMessageBytes,
    };
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
    account.updates.set(clientId, adapter);
    const tokens = account.tokensByClient.get(clientId) ?? 0;
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
    if (account !== null && account.round === round) {
      account.lossSum += loss * tokens;
      account.tokens += tokens;
      account.tokensByClient.set(clientId, (account.tokensByClient.get(clientId) ?? 0) + tokens);
    }
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
          this.account = {
            round: action.round, startedAt: this.now(), upAtStart: registry.totalUp, downAtStart: registry.totalDown, lossSum: 0, tokens: 0,
            tokensByClient: new Map(), updates: new Map(),
          };
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
        const entries = reporters.map((id) => ({ source: id, adapter: account.updates.get(id)!, weight: account.tokensByClient.get(id) ?? 0 }));
        this.globalClient = fedAvgHost(entries);
        this.globalClientFrames = null;
        await this.split.closeRound(reporters);
      });
      const evalLoss = this.evalExamples.length > 0 ? await this.queue.run(() => this.split.evalLoss(this.globalClient, this.evalExamples)) : null;
      const serverAdapter = await this.split.serverAdapter();
      const optimizer = await this.split.optimizerState();
      await this.store.saveRoundFiles(round, this.model.config, this.config.lora as LoraConfig, this.model.name, this.globalClient, serverAdapter, optimizer);
      const seconds = (this.now() - account.startedAt) / 1000;
      const record: RoundRecord = {
        kind: 'round', runId: this.runId, round, trainLoss: account.tokens > 0 ? account.lossSum / account.tokens : null,
        evalLoss, evalPerplexity: evalLoss === null ? null : Math.exp(evalLoss), tokens: account.tokens,
        bytesUp: this.deps.registry.totalUp - account.upAtStart, bytesDown: this.deps.registry.totalDown - account.downAtStart,
        clients: reporters.length, participants: reporters, seconds, tokensPerSecond: account.tokens / Math.max(seconds, 1e-3), endedAt: this.now(),
      };
      this.pushMetric(record);
      await this.store.markCompleted(round);
      this.log.info(`round ${round} aggregated from ${reporters.length} volunteer(s): train loss ${record.trainLoss?.toFixed(4)}, eval loss ${evalLoss?.toFixed(4) ?? '—'}`);
      this.account = null;
      const actions = this.machine.aggregated(this.now());
      this.deps.notify.roundEnd(record, !this.machine.isOver());
      this.apply(actions);
    } catch (error) {
      this.error = `aggregation of round ${round} failed: ${(error as Error).message}`;
      this.log.error(this.error);
      this.machine.state = 'failed';
      this.deps.notify.runState(this.info());
      this.deps.notify.changed();
    }
  }
}
