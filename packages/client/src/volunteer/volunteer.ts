// The volunteer, shared by the browser worker and the Node fleet: joins the run, downloads the client split once,
// then for each round trains local steps against the server and uploads the adapter. A thin host around the pure
// VolunteerMachine: socket events go in as machine events, and the machine's actions are carried out here with the
// session (requests) and the round loop (training).
import { ConnectionLostError, isProtocolError } from '@splitlora/protocol';
import type { VolunteerEvent } from '../volunteer-events.js';
import { TrafficMeter } from '../traffic-meter.js';
import { trainLocalRound } from './local-round-loop.js';
import { type RoundLoopHost, trainRound } from './round-loop.js';
import { type PreparedRun, type SessionOptions, VolunteerSession } from './session.js';
import { type VolunteerAction, VolunteerMachine, type VolunteerOutcome } from './volunteer-machine.js';

export interface VolunteerOptions extends Omit<SessionOptions, 'timeoutMs'> {
  onEvent?: (event: VolunteerEvent) => void;
  /** How long a request may wait for the server (a training step included). */
  requestTimeoutMs?: number;
  /** How often the volunteer reports its speed to the server. */
  statusIntervalMs?: number;
}

export class Volunteer {
  private readonly machine = new VolunteerMachine();
  private readonly session: VolunteerSession;
  private readonly meter: TrafficMeter;
  private prepared: PreparedRun | null = null;
  private wakeups: (() => void)[] = [];
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private resolveDone!: (outcome: VolunteerOutcome) => void;
  private readonly done = new Promise<VolunteerOutcome>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: VolunteerOptions) {
    this.session = new VolunteerSession({ ...options, timeoutMs: options.requestTimeoutMs ?? 120_000 });
    this.meter = new TrafficMeter(options.socket);
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
    s.on('swarm:info', (msg) => this.emit({ type: 'swarm', ...msg }));
    s.on('protocol:error', (msg) => this.emit({ type: 'error', message: `${msg.code}: ${msg.message}`, fatal: false }));
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
      });
    } finally {
      this.apply(m.loopEnded(generation));
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
