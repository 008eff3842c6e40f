// The volunteer, shared by the browser worker and the Node fleet: joins the run, downloads the client split once,
// then for each round trains local steps against the server and uploads the adapter. A thin host around the pure
// VolunteerMachine: socket events go in as machine events, and the machine's actions are carried out here with the
// session (requests) and the round loop (training).
import {
  ConnectionLostError, type ConnectionRefusal, connectionRefusal, describeIssues, isProtocolError, type RoundStart, SECAGG_CIPHERTEXT_BYTES, SECAGG_KEY_BYTES,
  turnNoticeSchema, unpackBytes, unpackFrames,
} from '@splitlora/protocol';
import type { VolunteerEvent } from '../volunteer-events.js';
import { TrafficMeter } from '../traffic-meter.js';
import { LocalTrainer } from '../local-trainer.js';
import type { RoundTrainer } from '../round-trainer.js';
import { trainLocalRound } from './local-round-loop.js';
import { type RoundLoopHost, trainRound } from './round-loop.js';
import { SecAggParticipant } from './secagg-participant.js';
import { type PreparedRun, type SessionOptions, VolunteerSession } from './session.js';
import { type VolunteerAction, VolunteerMachine, type VolunteerOutcome } from './volunteer-machine.js';

export interface VolunteerOptions extends Omit<SessionOptions, 'timeoutMs'> {
  onEvent?: (event: VolunteerEvent) => void;
  /** How long a request may wait for the server (a training step included). */
  requestTimeoutMs?: number;
  /** How often the volunteer reports its speed to the server. */
  statusIntervalMs?: number;
  /** Sees each round's update before secure aggregation masks it (tests, benchmarks); it never leaves the volunteer. */
  observeUpdate?: (round: number, update: Float64Array) => void;
  /** The resume token of an earlier session (a reloaded page): the server then knows this volunteer again. */
  resumeToken?: string;
  /**
   * Asks the server why a connection failed without its answer (a refusal at the WebSocket upgrade, which a browser
   * cannot read — the per-address connection limit); resolves with the refusal, or null when there is none.
   */
  explainConnectError?: () => Promise<ConnectionRefusal | null>;
}

export class Volunteer {
  private readonly machine = new VolunteerMachine();
  private readonly session: VolunteerSession;
  private readonly meter: TrafficMeter;
  private prepared: PreparedRun | null = null;
  /** The current round's secure aggregation, when the run uses it. */
  private secagg: SecAggParticipant | null = null;
  private wakeups: (() => void)[] = [];
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  /** A question to the server about a failed connection is on its way. */
  private explaining = false;
  private resolveDone!: (outcome: VolunteerOutcome) => void;
  private readonly done = new Promise<VolunteerOutcome>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: VolunteerOptions) {
    this.session = new VolunteerSession({ ...options, timeoutMs: options.requestTimeoutMs ?? 120_000 });
    this.meter = new TrafficMeter(options.socket);
    if (options.resumeToken !== undefined) this.machine.rememberSession(options.resumeToken);
  }

  /** Connects and trains until the run ends, the volunteer leaves, or a fatal error; resolves with which. */
  run(): Promise<VolunteerOutcome> {
    const s = this.options.socket;
    const m = this.machine;
    s.on('connect', () => this.apply(m.connected()));
    s.on('disconnect', (reason) => this.apply(m.disconnected(reason)));
    s.on('run:state', (run) => this.apply(m.runState(run)));
    s.on('round:start', (msg) => this.apply(m.roundStart(msg)));
    s.on('round:end', (msg) => this.apply(m.roundEnd(msg.round, msg.trainLoss, msg.evalLoss, msg.more)));
    s.on('round:turn', (msg) => {
      const notice = turnNoticeSchema.safeParse(msg);
      if (notice.success) this.apply(m.turnNotice(notice.data));
      else this.emit({ type: 'error', message: `ignored a malformed round:turn message: ${describeIssues(notice.error)}`, fatal: false });
    });
    s.on('swarm:info', (msg) => this.emit({ type: 'swarm', ...msg }));
    s.on('secagg:keys', (msg) => this.secaggReceive(msg, () => {
      const keys = unpackBytes(msg.keys, SECAGG_KEY_BYTES);
      return { type: 'keys', keys: msg.ids.map((id, i) => ({ id, encryptionKey: keys[2 * i]!, maskingKey: keys[2 * i + 1]! })) };
    }));
    s.on('secagg:relayed-shares', (msg) => this.secaggReceive(msg, () => {
      const ciphertexts = unpackBytes(msg.ciphertexts, SECAGG_CIPHERTEXT_BYTES);
      return { type: 'relayed-shares', shares: msg.from.map((from, i) => ({ from, ciphertext: ciphertexts[i]! })) };
    }));
    s.on('secagg:unmask-request', (msg) => this.secaggReceive(msg, () => ({ type: 'unmask-request', survivors: msg.survivors, dropped: msg.dropped })));
    s.on('secagg:abort', (msg) => {
      if (this.secagg?.owns(msg)) this.secagg.abort(`${msg.code}: ${msg.message}`);
    });
    s.on('protocol:error', (msg) => this.emit({ type: 'error', message: `${msg.code}: ${msg.message}`, fatal: false }));
    // A refusal (foreign page, no invite, too many connections) is final: socket.io does not retry it, and the
    // message says what to do. A failure without the server's answer may be a refusal the transport hid: ask.
    s.on('connect_error', (error) => {
      const refused = connectionRefusal(error);
      if (refused !== null) this.apply(m.fatal(refused.message));
      else void this.explainConnectError();
    });
    s.io.on('reconnect_attempt', (attempt) => this.apply(m.reconnecting(attempt)));
    this.statusTimer = setInterval(() => this.reportStatus(), this.options.statusIntervalMs ?? 2000);
    this.apply(m.start());
    s.connect();
    return this.done;
  }

  /** Stops after the current step until resume() (the run goes on with the other volunteers). */
  pause(): void {
    this.apply(this.machine.pause());
  }

  resume(): void {
    this.apply(this.machine.resume());
  }

  async leave(): Promise<void> {
    this.machine.leaving();
    await this.session.leave();
    this.apply(this.machine.left());
  }

  get trafficBytes(): { up: number; down: number } {
    return { up: this.meter.bytesUp, down: this.meter.bytesDown };
  }

  /** One question at a time; a network failure (the server is down) explains nothing and socket.io retries. */
  private async explainConnectError(): Promise<void> {
    const explain = this.options.explainConnectError;
    if (explain === undefined || this.explaining) return;
    this.explaining = true;
    try {
      const refused = await explain().catch(() => null);
      if (refused !== null && !this.options.socket.connected) this.apply(this.machine.fatal(refused.message));
    } finally {
      this.explaining = false;
    }
  }

  /** Carries out the machine's actions, in order. */
  private apply(actions: VolunteerAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'join':
          void this.guard(this.join(action.resumeToken));
          break;
        case 'prepare':
          void this.guard(this.prepare(action.runId));
          break;
        case 'drop-trainer':
          this.dropTrainer();
          break;
        case 'ready':
          void this.guard(this.ready(action.runId));
          break;
        case 'train':
          void this.guard(this.train(action));
          break;
        case 'emit':
          this.emit(action.event);
          break;
        case 'report-status':
          this.reportStatus();
          break;
        case 'wake':
          this.wake();
          break;
        case 'finish':
          this.finish(action.outcome);
          break;
      }
    }
  }

  private async join(resumeToken: string | undefined): Promise<void> {
    const reply = await this.session.join(resumeToken, () => this.apply(this.machine.joinRetried()), () => this.machine.over);
    this.apply(this.machine.joined(reply));
  }

  private async prepare(runId: string): Promise<void> {
    let prepared: PreparedRun;
    try {
      prepared = await this.session.prepare(runId, this.machine.clientId, {
        status: (status, message) => this.apply(this.machine.setStatus(status, message)),
        emit: (event) => this.emit(event),
      });
    } catch (error) {
      this.apply(this.machine.prepareFailed(runId));
      throw error;
    }
    if (this.machine.over || this.machine.runId !== runId) {
      prepared.trainer.dispose(); // another run (or the end) came while this one was prepared
      return;
    }
    this.prepared = prepared;
    this.apply(this.machine.prepared(runId));
  }

  private async ready(runId: string): Promise<void> {
    if (!this.options.socket.connected) return;
    let queued: boolean;
    try {
      ({ queued } = await this.session.ready(runId));
    } catch (error) {
      this.apply(this.machine.readyFailed(runId));
      throw error;
    }
    this.apply(this.machine.readied(runId, queued));
  }

  private async train({ round: msg, generation, fromGlobal }: Extract<VolunteerAction, { type: 'train' }>): Promise<void> {
    const prepared = this.prepared;
    const progress = this.machine.progress;
    if (prepared === null || progress === null) return;
    const { trainer } = prepared;
    if (fromGlobal) trainer.startRound(msg);
    const m = this.machine;
    this.openSecAgg(msg);
    const live = () => m.isLive(generation);
    try {
      const loop = trainer.kind === 'local' ? (h: RoundLoopHost) => trainLocalRound(msg, trainer, h) : (h: RoundLoopHost) => trainRound(msg, trainer, h);
      await loop({
        socket: this.options.socket, timeoutMs: this.session.timeoutMs, maxMessageBytes: prepared.manifest.maxMessageBytes, progress, live,
        waitUntil: (condition) => this.waitUntil(condition, live),
        pausedByVolunteer: () => m.paused,
        pausedByOrganiser: () => m.runPaused,
        status: (status, message) => this.apply(m.setStatus(status, message)),
        stepDone: (step, loss, tokens, seconds) => this.apply(m.stepDone(msg.round, step, msg.localSteps, loss, tokens, seconds)),
        notApplied: (message) => this.emit({ type: 'error', message, fatal: false }),
        traffic: () => this.emitTraffic(),
        secagg: this.secagg,
        ...(this.options.observeUpdate ? { observeUpdate: this.options.observeUpdate } : {}),
      });
      this.emitActivationPrivacy(msg.round, trainer);
    } finally {
      this.apply(m.loopEnded(generation));
    }
  }

  /** With activation noise: the tab's own per-example figure after the round (how often it sent each example). */
  private emitActivationPrivacy(round: number, trainer: RoundTrainer): void {
    const figure = trainer instanceof LocalTrainer ? trainer.cutNoise?.privacySoFar() : null;
    if (!figure) return;
    this.emit({ type: 'activation-privacy', round, releasesPerExample: figure.releasesPerExample, epsilon: Number.isFinite(figure.epsilon) ? figure.epsilon : null, delta: figure.delta });
  }

  /** A round with secure aggregation starts (or continues after a reconnect): its session, keys advertised now. */
  private openSecAgg(msg: RoundStart): void {
    const settings = msg.secureAggregation;
    if (settings === undefined) {
      this.secagg = null;
      return;
    }
    if (this.secagg?.context === settings.context) return; // a reconnect within the round: same keys
    const clientId = this.machine.clientId;
    if (clientId === null) return;
    this.secagg = new SecAggParticipant({
      socket: this.options.socket, clientId, runId: msg.runId, round: msg.round, settings, timeoutMs: this.session.timeoutMs, emit: (event) => this.emit(event),
    });
    void this.secagg.start();
  }

  /** A server message of the current round's secure aggregation; one that cannot be unpacked is reported, not fatal. */
  private secaggReceive(owner: { runId: string; round: number }, event: () => Parameters<SecAggParticipant['receive']>[0]): void {
    const secagg = this.secagg;
    if (!secagg?.owns(owner)) return;
    let decoded: Parameters<SecAggParticipant['receive']>[0];
    try {
      decoded = event();
    } catch (error) {
      this.emit({ type: 'error', message: `a secure-aggregation message of the server could not be read: ${(error as Error).message}`, fatal: false });
      return;
    }
    void secagg.receive(decoded);
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
    if (!this.options.socket.connected || this.machine.clientId === null) return;
    this.session.reportStatus(this.machine.reportedState());
    this.emitTraffic();
  }

  private emitTraffic(): void {
    this.emit({ type: 'traffic', bytesUp: this.meter.bytesUp, bytesDown: this.meter.bytesDown });
  }

  private emit(event: VolunteerEvent): void {
    this.options.onEvent?.(event);
  }

  private dropTrainer(): void {
    this.prepared?.trainer.dispose();
    this.prepared = null;
  }

  private finish(outcome: VolunteerOutcome): void {
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    this.statusTimer = null;
    this.dropTrainer();
    this.options.socket.disconnect();
    this.resolveDone(outcome);
  }

  /** Any error that escapes a handler: connection losses wait for the reconnect; others end the volunteer. */
  private async guard(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (error instanceof ConnectionLostError) return;
      if (isProtocolError(error, 'NOT_JOINED')) {
        this.apply(this.machine.notJoined());
        return;
      }
      this.apply(this.machine.fatal(error instanceof Error ? error.message : String(error)));
    }
  }
}
