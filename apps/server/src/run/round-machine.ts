// The round state machine of a run, as plain code (no sockets, no clock of its own): who trains this round,
// which steps and updates are accepted, when a round closes (all reported, or at the timeout with the reporters),
// and what happens when participants vanish. Every method returns the actions the caller must carry out.
import type { ErrorCode, RunState } from '@splitlora/protocol';

export interface MachineConfig {
  rounds: number;
  localSteps: number;
  minClients: number;
  maxClients: number;
  roundTimeoutMs: number;
  /** How long a disconnected participant may be away before the round goes on without it. */
  graceMs: number;
}

export type MachineAction =
  | { type: 'state'; state: RunState }
  | { type: 'startRound'; round: number; participants: string[] }
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
    return this.restart(now, `only ${reporters.length} of ${this.config.minClients} required updates; the others left`);
  }

  private beginAggregation(reporters: string[]): MachineAction[] {
    return [...this.setState('aggregating'), { type: 'aggregate', round: this.round, reporters }];
  }

  private restart(now: number, reason: string): MachineAction[] {
    const round = this.round;
    for (const [id, p] of this.participants) if (p.goneAt === null) this.ready.add(id);
    this.participants.clear();
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
    return [...this.setState('training'), { type: 'startRound', round: this.round, participants: chosen }];
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
