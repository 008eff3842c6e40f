// The round state machine of a run, as plain code (no sockets, no clock of its own): who trains this round,
// which steps and updates are accepted, when a round closes (all reported, or at the timeout with the reporters),
// and what happens when participants vanish. Every method returns the actions the caller must carry out. In a
// sequential run (method sl) the participants take turns (turn-schedule.ts) and the timeout applies to each turn.
import type { ErrorCode, RunState } from '@splitlora/protocol';
import { TurnSchedule } from './turn-schedule.js';

export interface MachineConfig {
  rounds: number;
  localSteps: number;
  minClients: number;
  maxClients: number;
  roundTimeoutMs: number;
  /** How long a disconnected participant may be away before the round goes on without it. */
  graceMs: number;
  /** Participants train one at a time, in turn (sequential split learning); roundTimeoutMs then bounds each turn. */
  sequential?: boolean;
}

export type MachineAction =
  | { type: 'state'; state: RunState }
  | { type: 'startRound'; round: number; participants: string[] }
  /** A sequential round opens with these participants in turn order; its turns follow as startTurn actions. */
  | { type: 'openRound'; round: number; participants: string[] }
  /** A sequential round: `id`'s turn starts (send it the round). */
  | { type: 'startTurn'; round: number; id: string }
  /** A sequential round: tell `ids` their place in line (after a turn changed, or to one that came back). */
  | { type: 'turnNotices'; round: number; ids: string[] }
  /** A participant that came back mid-round: send it the round again, continuing at `firstStep`. */
  | { type: 'resumeParticipant'; round: number; id: string; firstStep: number }
  | { type: 'dropParticipant'; round: number; id: string; reason: string }
  | { type: 'aggregate'; round: number; reporters: string[] }
  | { type: 'restartRound'; round: number; reason: string }
  | { type: 'finished'; state: 'finished' | 'stopped' };

export interface Participant {
  stepsDone: number;
  reported: boolean;
  tokens: number;
  goneAt: number | null;
  dropped: boolean;
}

export type Verdict = { ok: true } | { ok: false; code: ErrorCode; message: string };

const ok: Verdict = { ok: true };
const refuse = (code: ErrorCode, message: string): Verdict => ({ ok: false, code, message });

export class RoundMachine {
  state: RunState = 'created';
  /** Current round (1-based) while training/aggregating; the last completed one otherwise. */
  round: number;
  completedRounds: number;
  readonly ready = new Set<string>();
  readonly participants = new Map<string, Participant>();
  roundStartedAt: number | null = null;
  /** The current round's turns (sequential runs only). */
  turns: TurnSchedule | null = null;
  private pausedAt: number | null = null;
  private pausedMs = 0;
  private stateBeforePause: RunState = 'waiting';

  constructor(private readonly config: MachineConfig, completedRounds = 0) {
    this.completedRounds = completedRounds;
    this.round = completedRounds;
  }

  start(now: number): MachineAction[] {
    if (this.state !== 'created') return [];
    if (this.completedRounds >= this.config.rounds) return this.setFinished('finished');
    return [...this.setState('waiting'), ...this.maybeStartRound(now)];
  }

  pause(now: number): MachineAction[] {
    if (this.state !== 'training' && this.state !== 'waiting' && this.state !== 'aggregating') return [];
    this.stateBeforePause = this.state;
    this.pausedAt = now;
    return this.setState('paused');
  }

  resume(now: number): MachineAction[] {
    if (this.state !== 'paused') return [];
    if (this.pausedAt !== null) this.pausedMs += now - this.pausedAt;
    this.pausedAt = null;
    const actions = this.setState(this.stateBeforePause);
    const state = this.state as RunState;
    if (state === 'waiting') actions.push(...this.maybeStartRound(now));
    if (state === 'training') actions.push(...this.maybeClose(now));
    return actions;
  }

  stop(): MachineAction[] {
    if (this.isOver()) return [];
    return this.setFinished('stopped');
  }

  isOver(): boolean {
    return this.state === 'finished' || this.state === 'stopped' || this.state === 'failed';
  }

  /** A joined client with the model loaded says it can train. */
  clientReady(id: string, now: number): MachineAction[] {
    if (this.isOver()) return [];
    const p = this.participants.get(id);
    if (p !== undefined && (this.state === 'training' || this.state === 'paused') && !p.dropped) {
      p.goneAt = null;
      if (this.turns !== null && this.turns.current !== id) return p.reported ? [] : [{ type: 'turnNotices', round: this.round, ids: [id] }];
      return [{ type: 'resumeParticipant', round: this.round, id, firstStep: p.stepsDone }];
    }
    if (p !== undefined && !p.dropped) {
      p.goneAt = null; // aggregating: it rejoins the pool when the round closes
      return [];
    }
    this.ready.add(id);
    return this.state === 'waiting' ? this.maybeStartRound(now) : [];
  }

  clientGone(id: string, now: number): MachineAction[] {
    this.ready.delete(id);
    const p = this.participants.get(id);
    if (p !== undefined && !p.dropped && p.goneAt === null) p.goneAt = now;
    return this.state === 'training' ? this.tick(now) : [];
  }

  /** Checks a training step's stamp: the run's round, a participant, the next step, not paused. */
  checkStep(id: string, round: number, step: number): Verdict {
    if (this.state === 'paused') return refuse('RUN_STATE', 'the run is paused');
    if (this.state !== 'training') return refuse('RUN_STATE', `the run is ${this.state}, not training`);
    if (round !== this.round) return refuse('STALE', `round ${round} is not the current round ${this.round}`);
    const p = this.participants.get(id);
    if (p === undefined || p.dropped) return refuse('NOT_SELECTED', `this client is not a participant of round ${this.round}`);
    if (p.reported) return refuse('STALE', `this client already sent its update for round ${this.round}`);
    const turn = this.checkTurn(id);
    if (!turn.ok) return turn;
    if (step !== p.stepsDone) return refuse('STALE', `step ${step} out of order: expected step ${p.stepsDone}`);
    if (step >= this.config.localSteps) return refuse('STALE', `step ${step} beyond the ${this.config.localSteps} local steps of a round`);
    return ok;
  }

  stepDone(id: string): void {
    const p = this.participants.get(id);
    if (p !== undefined) p.stepsDone += 1;
  }

  checkUpdate(id: string, round: number, steps: number): Verdict {
    if (this.state !== 'training' && this.state !== 'paused') return refuse('RUN_STATE', `the run is ${this.state}, not training`);
    if (round !== this.round) return refuse('STALE', `round ${round} is not the current round ${this.round}`);
    const p = this.participants.get(id);
    if (p === undefined || p.dropped) return refuse('NOT_SELECTED', `this client is not a participant of round ${this.round}`);
    if (p.reported) return refuse('STALE', `this client already sent its update for round ${this.round}`);
    const turn = this.checkTurn(id);
    if (!turn.ok) return turn;
    if (steps !== this.config.localSteps || p.stepsDone !== this.config.localSteps) {
      return refuse('STALE', `update after ${p.stepsDone} of ${this.config.localSteps} local steps (stamped ${steps})`);
    }
    return ok;
  }

  reported(id: string, tokens: number, now: number): MachineAction[] {
    const p = this.participants.get(id);
    if (p === undefined) return [];
    p.reported = true;
    p.tokens = tokens;
    if (this.turns?.current === id) return [...this.nextTurn(now, false), ...this.maybeClose(now)];
    return this.maybeClose(now);
  }

  /** Time passes: drop participants away longer than the grace period, close the round at its timeout. */
  tick(now: number): MachineAction[] {
    if (this.state !== 'training') return [];
    const actions: MachineAction[] = [];
    for (const [id, p] of this.participants) {
      if (!p.dropped && !p.reported && p.goneAt !== null && now - p.goneAt >= this.config.graceMs) {
        p.dropped = true;
        actions.push({ type: 'dropParticipant', round: this.round, id, reason: 'disconnected' });
      }
    }
    if (this.turns !== null) return [...actions, ...this.tickTurn(now), ...this.maybeClose(now)];
    const elapsed = now - (this.roundStartedAt ?? now) - this.pausedMs;
    if (elapsed >= this.config.roundTimeoutMs) {
      const reporters = this.reporters();
      for (const [id, p] of this.participants) {
        if (!p.reported && !p.dropped) {
          p.dropped = true;
          actions.push({ type: 'dropParticipant', round: this.round, id, reason: 'round timeout' });
        }
      }
      // The reporters' work is kept even below the quorum (minClients governs when a round starts): one participant
      // that never reports cannot throw it away.
      if (reporters.length > 0) actions.push(...this.beginAggregation(reporters));
      else actions.push(...this.restart(now, 'timeout without any update'));
      return actions;
    }
    return [...actions, ...this.maybeClose(now)];
  }

  /** The caller finished aggregating the current round. */
  aggregated(now: number): MachineAction[] {
    if (this.state !== 'aggregating' && !(this.state === 'paused' && this.stateBeforePause === 'aggregating')) return [];
    this.completedRounds = this.round;
    // Connected participants (slow ones dropped at the timeout included) rejoin the pool.
    for (const [id, p] of this.participants) if (p.goneAt === null) this.ready.add(id);
    this.participants.clear();
    this.turns = null;
    this.roundStartedAt = null;
    if (this.completedRounds >= this.config.rounds) return this.setFinished('finished');
    if (this.state === 'paused') {
      this.stateBeforePause = 'waiting';
      return [];
    }
    return [...this.setState('waiting'), ...this.maybeStartRound(now)];
  }

  reporters(): string[] {
    return [...this.participants].filter(([, p]) => p.reported).map(([id]) => id);
  }

  private maybeClose(now: number): MachineAction[] {
    if (this.state !== 'training') return [];
    const remaining = [...this.participants.values()].filter((p) => !p.dropped && !p.reported);
    if (remaining.length > 0) return [];
    const reporters = this.reporters();
    if (reporters.length >= this.config.minClients) return this.beginAggregation(reporters);
    // A sequential round keeps the turns that were trained (the server adapter learned from them too): skipping a turn loses nothing.
    if (this.turns !== null && reporters.length > 0) return this.beginAggregation(reporters);
    return this.restart(now, `only ${reporters.length} of ${this.config.minClients} required updates; the others left`);
  }

  private beginAggregation(reporters: string[]): MachineAction[] {
    return [...this.setState('aggregating'), { type: 'aggregate', round: this.round, reporters }];
  }

  private restart(now: number, reason: string): MachineAction[] {
    const round = this.round;
    for (const [id, p] of this.participants) if (p.goneAt === null) this.ready.add(id);
    this.participants.clear();
    this.turns = null;
    this.round = this.completedRounds;
    this.roundStartedAt = null;
    return [{ type: 'restartRound', round, reason }, ...this.setState('waiting'), ...this.maybeStartRound(now)];
  }

  private maybeStartRound(now: number): MachineAction[] {
    if (this.state !== 'waiting' || this.ready.size < this.config.minClients) return [];
    const chosen = [...this.ready].slice(0, this.config.maxClients);
    for (const id of chosen) {
      this.ready.delete(id);
      this.participants.set(id, { stepsDone: 0, reported: false, tokens: 0, goneAt: null, dropped: false });
    }
    this.round = this.completedRounds + 1;
    this.roundStartedAt = now;
    this.pausedMs = 0;
    if (this.config.sequential === true) {
      this.turns = new TurnSchedule(this.round, chosen, now);
      const [first, ...waiting] = chosen;
      return [
        ...this.setState('training'), { type: 'openRound', round: this.round, participants: chosen }, { type: 'startTurn', round: this.round, id: first! },
        ...(waiting.length > 0 ? [{ type: 'turnNotices' as const, round: this.round, ids: waiting }] : []),
      ];
    }
    return [...this.setState('training'), { type: 'startRound', round: this.round, participants: chosen }];
  }

  /** Sequential runs: only the volunteer whose turn it is may train or report. */
  private checkTurn(id: string): Verdict {
    const turns = this.turns;
    if (turns === null || turns.current === id) return ok;
    const ahead = turns.aheadOf(id);
    return refuse('NOT_YOUR_TURN', `round ${this.round} is ${turns.current ?? 'nobody'}'s turn${ahead === null ? '' : `; yours comes after ${ahead} more turn(s)`}`);
  }

  /** Sequential runs: the current turn's volunteer left (past the grace period) or ran out of time; its turn is skipped. */
  private tickTurn(now: number): MachineAction[] {
    const turns = this.turns!;
    const id = turns.current;
    if (id === null) return [];
    const p = this.participants.get(id)!;
    if (!p.dropped && !p.reported && turns.turnElapsed(now, this.pausedMs) >= this.config.roundTimeoutMs) {
      p.dropped = true;
      return [{ type: 'dropParticipant', round: this.round, id, reason: 'turn timeout' }, ...this.nextTurn(now, true)];
    }
    return p.dropped ? this.nextTurn(now, true) : [];
  }

  /** Sequential runs: the current turn ended (reported, or skipped); the next participant still here starts. */
  private nextTurn(now: number, skip: boolean): MachineAction[] {
    const turns = this.turns!;
    const next = turns.advance(now, this.pausedMs, (id) => this.participants.get(id)?.dropped ?? true, skip);
    if (next === null) return [];
    const waiting = turns.order.slice(turns.turnsDone + 1).filter((id) => !this.participants.get(id)!.dropped);
    return [{ type: 'startTurn', round: this.round, id: next }, ...(waiting.length > 0 ? [{ type: 'turnNotices' as const, round: this.round, ids: waiting }] : [])];
  }

  private setFinished(state: 'finished' | 'stopped'): MachineAction[] {
    this.participants.clear();
    return [...this.setState(state), { type: 'finished', state }];
  }

  private setState(state: RunState): MachineAction[] {
    if (this.state === state) return [];
    this.state = state;
    return [{ type: 'state', state }];
  }
}
