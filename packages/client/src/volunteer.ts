// The volunteer's training loop, shared by the browser worker and the Node fleet: join the run, download the
// client split once, then for each round train local steps against the server and upload the adapter.
import { countLossTokens, type Example, type Gpt2Tokenizer, hashName, mixSeed } from '@splitlora/core';
import {
  type ActivationsResponse, type BackendName, type ClientManifest, type JoinResponse, MESSAGE_OVERHEAD_BYTES, PROTOCOL_VERSION, type ReadyResponse,
  type RoundStart, type RunInfo, type UpdateResponse,
} from '@splitlora/protocol';
import { type AssetCache, noAssetCache } from './asset-cache.js';
import { downloadAsset } from './asset-download.js';
import { clientModelFromWeights, tokenizerFromAsset } from './client-model.js';
import { LocalTrainer, type PendingStep } from './local-trainer.js';
import { ConnectionLostError, isProtocolError, request } from './request.js';
import type { VolunteerSocket } from './socket-types.js';
import { TrafficMeter } from './traffic-meter.js';
import type { VolunteerEvent, VolunteerStatus } from './volunteer-events.js';

export interface VolunteerOptions {
  /** A socket created with `autoConnect: false`; the volunteer connects it. */
  socket: VolunteerSocket;
  /** The tfjs backend the host activated, reported to the server. */
  backend: BackendName;
  name?: string;
  /** Builds training examples from the volunteer's own data with the run's tokenizer and sequence length. */
  loadExamples: (tokenizer: Gpt2Tokenizer, maxSeqLen: number) => Promise<Example[]> | Example[];
  cache?: AssetCache;
  onEvent?: (event: VolunteerEvent) => void;
  /** How long a request may wait for the server (a training step included). */
  requestTimeoutMs?: number;
  /** How often the volunteer reports its speed to the server. */
  statusIntervalMs?: number;
}

export type VolunteerOutcome = 'finished' | 'left' | 'error';

interface RoundProgress {
  round: number;
  stepsDone: number;
  tokens: number;
  lossSum: number;
  seconds: number;
}

const ACTIVE_RUN_STATES = new Set(['created', 'waiting', 'training', 'aggregating', 'paused']);

export class Volunteer {
  private readonly socket: VolunteerSocket;
  private readonly cache: AssetCache;
  private readonly timeoutMs: number;
  private readonly meter: TrafficMeter;
  private clientId: string | null = null;
  private resumeToken: string | undefined;
  private runId: string | null = null;
  private manifest: ClientManifest | null = null;
  private trainer: LocalTrainer | null = null;
  private preparing: Promise<void> | null = null;
  private generation = 0;
  private progress: RoundProgress | null = null;
  private paused = false;
  private runPaused = false;
  /** Total rounds of the current run (from run info and round starts). */
  private totalRounds = 0;
  /** The round whose local loop is running, with the loop's generation. */
  private activeLoop: { round: number; generation: number } | null = null;
  /** The entry into the current run on this connection, shared by concurrent callers. */
  private entering: Promise<void> | null = null;
  /** The status to show again when the volunteer resumes. */
  private statusBeforePause: { status: VolunteerStatus; message: string } | null = null;
  private leaving = false;
  private over = false;
  /** Whether round:ready was acknowledged on the current connection (a new server needs it again). */
  private readyHere = false;
  /** Whether session:join was acknowledged on the current connection. */
  private joinedHere = false;
  /** The session:join under way on this connection, shared by concurrent callers. */
  private joining: Promise<void> | null = null;
  private status: VolunteerStatus = 'connecting';
  private lastMessage = '';
  private tokensPerSecond = 0;
  private wakeups: (() => void)[] = [];
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private finish!: (outcome: VolunteerOutcome) => void;
  private readonly done: Promise<VolunteerOutcome>;

  constructor(private readonly options: VolunteerOptions) {
    this.socket = options.socket;
    this.cache = options.cache ?? noAssetCache;
    this.timeoutMs = options.requestTimeoutMs ?? 120_000;
    this.meter = new TrafficMeter(this.socket);
    this.done = new Promise((resolve) => {
      this.finish = (outcome) => {
        if (this.over) return;
        this.over = true;
        this.stopTimers();
        this.generation++;
        this.trainer?.dispose();
        this.trainer = null;
        this.socket.disconnect();
        resolve(outcome);
      };
    });
  }

  /** Connects and trains until the run ends, the volunteer leaves, or a fatal error; resolves with which. */
  run(): Promise<VolunteerOutcome> {
    const s = this.socket;
    s.on('connect', () => void this.guard(this.join()));
    s.on('disconnect', (reason) => {
      this.generation++;
      this.readyHere = false;
      this.joinedHere = false;
      this.joining = null;
      this.entering = null;
      if (!this.leaving && !this.over) this.setStatus('reconnecting', `connection lost (${reason}); reconnecting…`);
    });
    s.on('run:state', (run) => void this.guard(this.onRunState(run)));
    s.on('round:start', (msg) => void this.guard(this.onRoundStart(msg)));
    s.on('round:end', (msg) => {
      this.emit({ type: 'round-end', round: msg.round, rounds: this.totalRounds, trainLoss: msg.trainLoss, evalLoss: msg.evalLoss, more: msg.more });
    });
    s.on('swarm:info', (msg) => this.emit({ type: 'swarm', ...msg }));
    s.on('protocol:error', (msg) => this.emit({ type: 'error', message: `${msg.code}: ${msg.message}`, fatal: false }));
    s.io.on('reconnect_attempt', (attempt) => this.setStatus('reconnecting', `reconnecting (attempt ${attempt})…`));
    this.statusTimer = setInterval(() => this.reportStatus(), this.options.statusIntervalMs ?? 2000);
    this.setStatus('connecting', 'connecting to the server…');
    s.connect();
    return this.done;
  }

  /** Stops after the current step until resume() (the run goes on with the other volunteers). */
  pause(): void {
    if (this.paused) return;
    this.statusBeforePause = { status: this.status, message: this.lastMessage };
    this.paused = true;
    this.setStatus('paused', 'paused by you');
    this.reportStatus();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const before = this.statusBeforePause ?? { status: 'waiting' as VolunteerStatus, message: 'resumed' };
    this.statusBeforePause = null;
    this.setStatus(before.status, before.message);
    this.wake();
    this.reportStatus();
  }

  async leave(): Promise<void> {
    this.leaving = true;
    try {
      if (this.socket.connected) await request(this.socket, 'session:leave', {}, 5000);
    } catch {
      // leaving anyway
    }
    this.setStatus('left', 'you left the run');
    this.finish('left');
  }

  get trafficBytes(): { up: number; down: number } {
    return { up: this.meter.bytesUp, down: this.meter.bytesDown };
  }

  /** Joins (or rejoins) the session on this connection once, however many callers ask at the same time. */
  private join(): Promise<void> {
    if (this.joining === null) {
      const attempt = this.joinAndEnter();
      this.joining = attempt;
      attempt.catch(() => {
        if (this.joining === attempt) this.joining = null;
      });
    }
    return this.joining;
  }

  private async joinAndEnter(): Promise<void> {
    const joined = await this.requestJoin();
    this.clientId = joined.clientId;
    this.resumeToken = joined.resumeToken;
    this.joinedHere = true;
    this.emit({ type: 'run', run: joined.run });
    if (joined.run === null || !ACTIVE_RUN_STATES.has(joined.run.state)) {
      this.setStatus('no-run', 'connected; no run is open right now — waiting for the organiser to start one');
      return;
    }
    this.runPaused = joined.run.state === 'paused';
    await this.enterRun(joined.run);
  }

  /** session:join, asked again while the connection lives but the (busy) server has not answered in time. */
  private async requestJoin(): Promise<JoinResponse> {
    for (;;) {
      try {
        return await request<JoinResponse>(this.socket, 'session:join', {
          protocolVersion: PROTOCOL_VERSION, backend: this.options.backend, ...(this.options.name ? { name: this.options.name } : {}),
          ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
        }, this.timeoutMs);
      } catch (error) {
        if (!(error instanceof ConnectionLostError) || !this.socket.connected || this.over) throw error;
        this.setStatus('connecting', 'the server is busy; asking to join again…');
      }
    }
  }

  private async onRunState(run: RunInfo): Promise<void> {
    this.emit({ type: 'run', run });
    this.runPaused = run.state === 'paused';
    if (!this.runPaused) this.wake();
    if (run.runId === this.runId && (run.state === 'finished' || run.state === 'stopped' || run.state === 'failed')) {
      this.setStatus('finished', run.state === 'finished' ? 'the run is finished — thank you!' : `the run was ${run.state}`);
      this.finish('finished');
      return;
    }
    const needsEntry = run.runId !== this.runId || !this.readyHere;
    if (needsEntry && ACTIVE_RUN_STATES.has(run.state) && this.joinedHere && this.socket.connected) {
      await this.enterRun(run);
    }
  }

  /** Enters `run` once per connection: concurrent callers (join reply, run:state) share one entry. */
  private enterRun(run: RunInfo): Promise<void> {
    this.totalRounds = run.rounds;
    if (this.entering !== null && this.runId === run.runId) return this.entering;
    const entry = this.prepareAndReady(run);
    this.entering = entry;
    entry.catch(() => {
      if (this.entering === entry) this.entering = null;
    });
    return entry;
  }

  /** Prepares the model for `run` (once per run) and tells the server this client is ready to train. */
  private async prepareAndReady(run: RunInfo): Promise<void> {
    if (run.runId !== this.runId) {
      this.generation++;
      this.trainer?.dispose();
      this.trainer = null;
      this.progress = null;
      this.runId = run.runId;
      const preparing = this.prepare(run.runId);
      this.preparing = preparing;
      preparing.catch(() => {
        // A download cut short by a lost connection starts over on the next entry (finished assets are cached).
        if (this.preparing === preparing) {
          this.preparing = null;
          this.runId = null;
        }
      });
    }
    await this.preparing;
    if (this.runId !== run.runId || !this.socket.connected) return;
    const ready = await request<ReadyResponse>(this.socket, 'round:ready', { runId: run.runId }, this.timeoutMs);
    this.readyHere = true;
    if (ready.queued && this.status !== 'training') this.setStatus('waiting', 'ready — waiting for the next round');
  }

  private async prepare(runId: string): Promise<void> {
    this.setStatus('downloading', 'downloading the model’s first layers…');
    const manifest = await request<ClientManifest>(this.socket, 'model:manifest', { runId }, this.timeoutMs);
    if (manifest.split.mode !== 'standard') throw new Error(`this client cannot train a ${manifest.split.mode} split; update the page`);
    const weights = await downloadAsset(this.socket, manifest.assets.weights, this.cache,
      (p) => this.emit({ type: 'download', asset: 'weights', ...p }), { timeoutMs: this.timeoutMs });
    const tokenizerBytes = await downloadAsset(this.socket, manifest.assets.tokenizer, this.cache,
      (p) => this.emit({ type: 'download', asset: 'tokenizer', ...p }), { timeoutMs: this.timeoutMs });
    this.setStatus('preparing', 'reading your data and building the model…');
    const tokenizer = tokenizerFromAsset(tokenizerBytes);
    const examples = await this.options.loadExamples(tokenizer, manifest.training.maxSeqLen);
    if (examples.length === 0) throw new Error('your data gave no usable training examples');
    this.emit({ type: 'dataset', examples: examples.length, tokens: countLossTokens(examples) });
    const model = clientModelFromWeights(manifest, weights);
    this.manifest = manifest;
    this.trainer = new LocalTrainer(model, manifest, examples, mixSeed(manifest.training.seed, hashName(this.clientId ?? 'client')));
  }

  private async onRoundStart(msg: RoundStart): Promise<void> {
    await this.preparing;
    const trainer = this.trainer;
    if (trainer === null || msg.runId !== this.runId) return;
    this.totalRounds = msg.rounds;
    const loop = this.activeLoop;
    if (loop !== null && loop.round === msg.round && loop.generation === this.generation) return; // already training it
    const continuing = this.progress !== null && this.progress.round === msg.round && this.progress.stepsDone === msg.firstStep && msg.firstStep > 0;
    if (!continuing) {
      trainer.loadGlobal(msg.adapter);
      this.progress = { round: msg.round, stepsDone: msg.firstStep, tokens: 0, lossSum: 0, seconds: 0 };
    }
    const generation = ++this.generation;
    this.activeLoop = { round: msg.round, generation };
    this.emit({ type: 'round-start', round: msg.round, rounds: msg.rounds, localSteps: msg.localSteps, firstStep: msg.firstStep });
    try {
      await this.trainRound(msg, trainer, generation);
    } finally {
      if (this.activeLoop?.generation === generation) this.activeLoop = null;
    }
  }

  private async trainRound(msg: RoundStart, trainer: LocalTrainer, generation: number): Promise<void> {
    const progress = this.progress!;
    const live = () => generation === this.generation;
    this.setStatus('training', `training round ${msg.round} of ${msg.rounds}`);
    while (progress.stepsDone < msg.localSteps) {
      await this.waitUntil(() => !this.paused, live);
      if (!live()) return;
      const step = progress.stepsDone;
      const started = Date.now();
      // Let queued messages (heartbeats, other volunteers in the same thread) through before computing again.
      await new Promise<void>((resolve) => setTimeout(() => resolve(), 0));
      if (!live()) return;
      const pending = await trainer.forward(msg.seed, step);
      const result = await this.sendStep(msg, step, pending, live);
      if (result === null || !live()) return;
      await trainer.backward(pending, result.gradient, msg.globalStepBase + step);
      const seconds = (Date.now() - started) / 1000;
      progress.stepsDone = step + 1;
      progress.tokens += pending.batch.tokens;
      progress.lossSum += result.loss * pending.batch.tokens;
      progress.seconds += seconds;
      this.tokensPerSecond = pending.batch.tokens / Math.max(seconds, 1e-3);
      this.emit({ type: 'step', round: msg.round, step, localSteps: msg.localSteps, loss: result.loss, tokens: pending.batch.tokens, tokensPerSecond: this.tokensPerSecond, seconds });
      this.emitTraffic();
    }
    this.setStatus('uploading', `sending your adapter for round ${msg.round}`);
    const frames = await trainer.adapterFrames();
    const adapterBytes = frames.reduce((s, f) => s + f.data.byteLength, 0);
    if (adapterBytes + MESSAGE_OVERHEAD_BYTES > this.manifest!.maxMessageBytes) {
      throw new Error(`the adapter update of ${adapterBytes} bytes exceeds the server's message limit of ${this.manifest!.maxMessageBytes} bytes`);
    }
    try {
      await request<UpdateResponse>(this.socket, 'round:update', {
        stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, adapter: frames,
        tokens: Math.max(1, progress.tokens), meanLoss: progress.tokens > 0 ? progress.lossSum / progress.tokens : 0, seconds: progress.seconds,
      }, this.timeoutMs);
    } catch (error) {
      if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
      throw error;
    }
    this.emitTraffic();
    if (live()) this.setStatus('waiting', `round ${msg.round} done — waiting for the other volunteers`);
  }

  /** Sends one step; waits out a server-side pause; null when the round moved on or the connection dropped. */
  private async sendStep(msg: RoundStart, step: number, pending: PendingStep, live: () => boolean): Promise<ActivationsResponse | null> {
    for (;;) {
      const bytes = pending.activations.data.byteLength + pending.targets.data.byteLength + pending.lossMask.data.byteLength;
      if (bytes + MESSAGE_OVERHEAD_BYTES > this.manifest!.maxMessageBytes) {
        throw new Error(`a step of ${bytes} bytes exceeds the server's message limit of ${this.manifest!.maxMessageBytes} bytes (it would drop the connection)`);
      }
      try {
        return await request<ActivationsResponse>(this.socket, 'train:activations', {
          stamp: { runId: msg.runId, round: msg.round, step }, activations: pending.activations, targets: pending.targets, lossMask: pending.lossMask,
        }, this.timeoutMs);
      } catch (error) {
        if ((error instanceof ConnectionLostError && this.socket.connected) || isProtocolError(error, 'UNAVAILABLE')) {
          // No answer in time on a live connection, or the server is still busy with this step: ask again
          // (a step the server already did is answered from its cache, never trained twice).
          if (!live()) return null;
          await new Promise<void>((r) => setTimeout(() => r(), 500));
          continue;
        }
        if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'NOT_JOINED')) {
          this.emit({ type: 'error', message: `step ${step} of round ${msg.round} not applied: ${(error as Error).message}`, fatal: false });
          return null;
        }
        if (isProtocolError(error, 'RUN_STATE')) {
          this.setStatus('waiting', 'the organiser paused the run');
          await this.waitUntil(() => !this.runPaused, live);
          if (!live()) return null;
          this.setStatus('training', `training round ${msg.round} of ${msg.rounds}`);
          continue;
        }
        throw error;
      }
    }
  }

  private waitUntil(condition: () => boolean, live: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (condition() || !live()) resolve();
        else this.wakeups.push(check);
      };
      check();
    });
  }

  private wake(): void {
    const pending = this.wakeups;
    this.wakeups = [];
    pending.forEach((fn) => fn());
  }

  private reportStatus(): void {
    if (!this.socket.connected || this.clientId === null) return;
    const state = this.paused ? 'paused' : this.status === 'training' ? 'training' : this.status === 'downloading' ? 'downloading' : 'idle';
    request(this.socket, 'client:status', { state, tokensPerSecond: this.status === 'training' ? this.tokensPerSecond : 0 }, 10_000).catch(() => {});
    this.emitTraffic();
  }

  private emitTraffic(): void {
    this.emit({ type: 'traffic', bytesUp: this.meter.bytesUp, bytesDown: this.meter.bytesDown });
  }

  /** While paused, non-final statuses are remembered for resume() instead of shown. */
  private setStatus(status: VolunteerStatus, message: string): void {
    const final = status === 'finished' || status === 'left' || status === 'error' || status === 'reconnecting';
    if (this.paused && status !== 'paused' && !final) {
      this.statusBeforePause = { status, message };
      return;
    }
    this.status = status;
    this.lastMessage = message;
    this.emit({ type: 'status', status, message });
  }

  private emit(event: VolunteerEvent): void {
    this.options.onEvent?.(event);
  }

  private stopTimers(): void {
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    this.statusTimer = null;
  }

  /** Any error that escapes a handler: connection losses wait for the reconnect; others end the volunteer. */
  private async guard(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (error instanceof ConnectionLostError) return;
      if (isProtocolError(error, 'NOT_JOINED') && !this.over) {
        // The server lost this session (a reconnect raced a request, or the server restarted): join again.
        this.joinedHere = false;
        this.joining = null;
        if (this.socket.connected) void this.guard(this.join());
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.emit({ type: 'error', message, fatal: true });
      this.setStatus('error', message);
      this.finish('error');
    }
  }
}
