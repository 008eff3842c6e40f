// The volunteer's protocol as a pure state machine (the volunteer-side twin of the server's RoundMachine): events in
// — the connection opened or dropped, the server answered or pushed, the model is ready, a step was trained, the
// volunteer paused — and the actions the host must carry out out. No sockets, no timers, no tensors inside.
import type { JoinResponse, RoundStart, RunInfo, RunState, TurnNotice } from '@splitlora/protocol';
import type { VolunteerEvent, VolunteerStatus } from '../volunteer-events.js';

export type VolunteerOutcome = 'finished' | 'left' | 'error';

export type VolunteerAction =
  /** Send session:join (with the resume token of an earlier join, if any). */
  | { type: 'join'; resumeToken: string | undefined }
  /** Download the client split of `runId`, read the volunteer's data, build the trainer. */
  | { type: 'prepare'; runId: string }
  /** Release the trainer of a run this volunteer no longer trains. */
  | { type: 'drop-trainer' }
  /** Send round:ready for `runId`. */
  | { type: 'ready'; runId: string }
  /** Run the local steps of a round; `fromGlobal`: start from the round's adapter (else continue where it was). */
  | { type: 'train'; round: RoundStart; generation: number; fromGlobal: boolean }
  /** Tell the host (page worker, fleet) what happened. */
  | { type: 'emit'; event: VolunteerEvent }
  /** Send client:status now (state or speed changed). */
  | { type: 'report-status' }
  /** Loops waiting for a condition (pause, the run's pause, a newer loop) look again. */
  | { type: 'wake' }
  /** Stop: release everything and disconnect. */
  | { type: 'finish'; outcome: VolunteerOutcome };

/** The local steps of the round being trained, kept across a reconnect so the round can continue. */
export interface RoundProgress {
  round: number;
  stepsDone: number;
  tokens: number;
  lossSum: number;
  seconds: number;
}

const ACTIVE_RUN_STATES: ReadonlySet<RunState> = new Set(['created', 'waiting', 'training', 'aggregating', 'paused']);
const FINAL_STATUSES: ReadonlySet<VolunteerStatus> = new Set(['finished', 'left', 'error', 'reconnecting']);

export class VolunteerMachine {
  /** 'offline': no connection; 'joining': session:join asked on this connection; 'joined': answered. */
  connection: 'offline' | 'joining' | 'joined' = 'offline';
  clientId: string | null = null;
  private resumeToken: string | undefined;
  /** The run whose model this volunteer holds or is preparing, and how far that got. */
  runId: string | null = null;
  private model: 'none' | 'preparing' | 'prepared' = 'none';
  /** The run entered on this connection (prepare and ready asked); null after a disconnect. */
  private entered: string | null = null;
  /** round:ready was acknowledged on this connection (a new server needs it again). */
  private readyHere = false;
  /** A round:start that arrived while the model was being prepared. */
  private pendingRound: RoundStart | null = null;
  /** Bumped whenever running loops must stop (disconnect, new run, new round, end). */
  private generation = 0;
  private activeLoop: { round: number; generation: number } | null = null;
  progress: RoundProgress | null = null;
  paused = false;
  runPaused = false;
  private isLeaving = false;
  over = false;
  /** Rounds of the current run (from run info and round starts). */
  totalRounds = 0;
  status: VolunteerStatus = 'connecting';
  private message = '';
  /** The status to show again when the volunteer resumes. */
  private statusBeforePause: { status: VolunteerStatus; message: string } | null = null;
  tokensPerSecond = 0;

  /** Whether a loop started with `generation` may go on. */
  isLive(generation: number): boolean {
    return generation === this.generation;
  }

  // ---- the volunteer's own decisions ----

  start(): VolunteerAction[] {
    return this.setStatus('connecting', 'connecting to the server…');
  }

  /** Stops after the current step until resume() (the run goes on with the other volunteers). */
  pause(): VolunteerAction[] {
    if (this.paused) return [];
    this.statusBeforePause = { status: this.status, message: this.message };
    this.paused = true;
    return [...this.setStatus('paused', 'paused by you'), { type: 'report-status' }];
  }

  resume(): VolunteerAction[] {
    if (!this.paused) return [];
    this.paused = false;
    const before = this.statusBeforePause ?? { status: 'waiting' as VolunteerStatus, message: 'resumed' };
    this.statusBeforePause = null;
    return [...this.setStatus(before.status, before.message), { type: 'wake' }, { type: 'report-status' }];
  }

  /** The volunteer starts leaving: the connection closing from now on is expected. */
  leaving(): void {
    this.isLeaving = true;
  }

  /** The volunteer left (session:leave was answered, or could not be sent). */
  left(): VolunteerAction[] {
    this.isLeaving = true;
    return [...this.setStatus('left', 'you left the run'), ...this.finish('left')];
  }

  /** The resume token of an earlier session (a reloaded page), sent with the first join. */
  rememberSession(resumeToken: string): void {
    this.resumeToken = resumeToken;
  }

  // ---- the connection ----

  connected(): VolunteerAction[] {
    if (this.over || this.connection !== 'offline') return [];
    this.connection = 'joining';
    return [{ type: 'join', resumeToken: this.resumeToken }];
  }

  disconnected(reason: string): VolunteerAction[] {
    this.generation++;
    this.connection = 'offline';
    this.readyHere = false;
    this.entered = null;
    const actions: VolunteerAction[] = [{ type: 'wake' }];
    if (!this.isLeaving && !this.over) actions.push(...this.setStatus('reconnecting', `connection lost (${reason}); reconnecting…`));
    return actions;
  }

  reconnecting(attempt: number): VolunteerAction[] {
    return this.setStatus('reconnecting', `reconnecting (attempt ${attempt})…`);
  }

  /** session:join had no answer in time on a live connection; it is asked again. */
  joinRetried(): VolunteerAction[] {
    return this.setStatus('connecting', 'the server is busy; asking to join again…');
  }

  joined(reply: JoinResponse): VolunteerAction[] {
    if (this.over) return [];
    this.clientId = reply.clientId;
    this.resumeToken = reply.resumeToken;
    this.connection = 'joined';
    const actions: VolunteerAction[] = [
      { type: 'emit', event: { type: 'identity', clientId: reply.clientId, resumeToken: reply.resumeToken, resumed: reply.resumed } },
      { type: 'emit', event: { type: 'run', run: reply.run } },
    ];
    if (reply.run === null || !ACTIVE_RUN_STATES.has(reply.run.state)) {
      return [...actions, ...this.setStatus('no-run', 'connected; no run is open right now — waiting for the organiser to start one')];
    }
    this.runPaused = reply.run.state === 'paused';
    return [...actions, ...this.enter(reply.run)];
  }

  /** The server no longer knows this session (a reconnect raced a request, or it restarted): join again. */
  notJoined(): VolunteerAction[] {
    if (this.over || this.connection === 'offline') return [];
    this.readyHere = false;
    this.entered = null;
    if (this.connection === 'joining') return [];
    this.connection = 'joining';
    return [{ type: 'join', resumeToken: this.resumeToken }];
  }

  // ---- the run ----

  runState(run: RunInfo): VolunteerAction[] {
    const actions: VolunteerAction[] = [{ type: 'emit', event: { type: 'run', run } }];
    this.runPaused = run.state === 'paused';
    if (!this.runPaused) actions.push({ type: 'wake' });
    if (run.runId === this.runId && (run.state === 'finished' || run.state === 'stopped' || run.state === 'failed')) {
      return [
        ...actions,
        ...this.setStatus('finished', run.state === 'finished' ? 'the run is finished — thank you!' : `the run was ${run.state}`),
        ...this.finish('finished'),
      ];
    }
    const needsEntry = run.runId !== this.runId || !this.readyHere;
    if (needsEntry && ACTIVE_RUN_STATES.has(run.state) && this.connection === 'joined') actions.push(...this.enter(run));
    return actions;
  }

  /** The model of `runId` is ready to train. */
  prepared(runId: string): VolunteerAction[] {
    if (runId !== this.runId || this.model !== 'preparing') return [];
    this.model = 'prepared';
    const actions: VolunteerAction[] = [];
    if (this.entered === runId && this.connection === 'joined') actions.push({ type: 'ready', runId });
    const pending = this.pendingRound;
    this.pendingRound = null;
    if (pending !== null) actions.push(...this.roundStart(pending));
    return actions;
  }

  /** Preparing `runId` failed (a download cut short starts over at the next entry; finished assets are cached). */
  prepareFailed(runId: string): VolunteerAction[] {
    if (runId !== this.runId) return [];
    this.model = 'none';
    this.runId = null;
    this.pendingRound = null;
    if (this.entered === runId) this.entered = null;
    return [];
  }

  readied(runId: string, queued: boolean): VolunteerAction[] {
    if (runId !== this.runId) return [];
    this.readyHere = true;
    return queued && this.status !== 'training' ? this.setStatus('waiting', 'ready — waiting for the next round') : [];
  }

  /** round:ready was not acknowledged: the next run:state enters again. */
  readyFailed(runId: string): VolunteerAction[] {
    if (this.entered === runId) this.entered = null;
    return [];
  }

  // ---- rounds ----

  roundStart(msg: RoundStart): VolunteerAction[] {
    if (msg.runId !== this.runId) return [];
    if (this.model === 'preparing') {
      this.pendingRound = msg;
      return [];
    }
    if (this.model !== 'prepared') return [];
    this.totalRounds = msg.rounds;
    const loop = this.activeLoop;
    if (loop !== null && loop.round === msg.round && loop.generation === this.generation) return []; // already training it
    const p = this.progress;
    const continuing = p !== null && p.round === msg.round && p.stepsDone === msg.firstStep && msg.firstStep > 0;
    if (!continuing) this.progress = { round: msg.round, stepsDone: msg.firstStep, tokens: 0, lossSum: 0, seconds: 0 };
    const generation = ++this.generation;
    this.activeLoop = { round: msg.round, generation };
    return [
      { type: 'wake' },
      { type: 'emit', event: { type: 'round-start', round: msg.round, rounds: msg.rounds, localSteps: msg.localSteps, firstStep: msg.firstStep } },
      { type: 'train', round: msg, generation, fromGlobal: !continuing },
    ];
  }

  /** Local step `step` of `round` was answered by the server and applied. */
  stepDone(round: number, step: number, localSteps: number, loss: number, tokens: number, seconds: number): VolunteerAction[] {
    const p = this.progress;
    if (p === null || p.round !== round) return [];
    p.stepsDone = step + 1;
    p.tokens += tokens;
    p.lossSum += loss * tokens;
    p.seconds += seconds;
    this.tokensPerSecond = tokens / Math.max(seconds, 1e-3);
    return [{ type: 'emit', event: { type: 'step', round, step, localSteps, loss, tokens, tokensPerSecond: this.tokensPerSecond, seconds } }];
  }

  /** The loop of `generation` returned (its round uploaded, given up, or overtaken). */
  loopEnded(generation: number): VolunteerAction[] {
    if (this.activeLoop?.generation === generation) this.activeLoop = null;
    return [];
  }

  /** Sequential split learning: this volunteer's place in line while another volunteer trains. */
  turnNotice(notice: TurnNotice): VolunteerAction[] {
    if (notice.runId !== this.runId || this.over) return [];
    const { round, ahead, turnsDone, turns } = notice;
    return [
      { type: 'emit', event: { type: 'turn', round, ahead, turnsDone, turns } },
      ...this.setStatus('waiting', `waiting for your turn — ${ahead} ahead of you (round ${round}: ${turnsDone} of ${turns} turns done)`),
    ];
  }

  roundEnd(round: number, trainLoss: number | null, evalLoss: number | null, more: boolean): VolunteerAction[] {
    return [{ type: 'emit', event: { type: 'round-end', round, rounds: this.totalRounds, trainLoss, evalLoss, more } }];
  }

  // ---- what the host reports ----

  /** While paused, non-final statuses are remembered for resume() instead of shown. */
  setStatus(status: VolunteerStatus, message: string): VolunteerAction[] {
    if (this.paused && status !== 'paused' && !FINAL_STATUSES.has(status)) {
      this.statusBeforePause = { status, message };
      return [];
    }
    this.status = status;
    this.message = message;
    return [{ type: 'emit', event: { type: 'status', status, message } }];
  }

  /** An error that ends the volunteer. */
  fatal(message: string): VolunteerAction[] {
    if (this.over) return [];
    return [{ type: 'emit', event: { type: 'error', message, fatal: true } }, ...this.setStatus('error', message), ...this.finish('error')];
  }

  /** What client:status tells the server. */
  reportedState(): { state: 'idle' | 'downloading' | 'training' | 'paused'; tokensPerSecond: number } {
    const state = this.paused ? 'paused' : this.status === 'training' ? 'training' : this.status === 'downloading' ? 'downloading' : 'idle';
    return { state, tokensPerSecond: this.status === 'training' ? this.tokensPerSecond : 0 };
  }

  // ---- internals ----

  /** Enters `run` once per connection: prepares its model (once per run), then says ready. */
  private enter(run: RunInfo): VolunteerAction[] {
    this.totalRounds = run.rounds;
    if (this.entered === run.runId) return [];
    this.entered = run.runId;
    if (run.runId !== this.runId || this.model === 'none') {
      this.generation++;
      this.progress = null;
      this.pendingRound = null;
      this.runId = run.runId;
      this.model = 'preparing';
      return [{ type: 'wake' }, { type: 'drop-trainer' }, { type: 'prepare', runId: run.runId }];
    }
    return this.model === 'prepared' ? [{ type: 'ready', runId: run.runId }] : [];
  }

  private finish(outcome: VolunteerOutcome): VolunteerAction[] {
    if (this.over) return [];
    this.over = true;
    this.generation++;
    return [{ type: 'wake' }, { type: 'finish', outcome }];
  }
}
