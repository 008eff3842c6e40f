// Sequential split learning's turns within one round, as plain code: the participants train one at a time in a fixed
// order (the round machine's, i.e. the order they became ready); a turn ends when its volunteer reports or is
// skipped (it left, or its turn timed out), and participants that left before their turn are skipped when it comes.
import type { TurnState } from '@splitlora/protocol';

export class TurnSchedule {
  private index = 0;
  private readonly skippedIds: string[] = [];
  /** When the current turn began, and the run's paused time then (a pause does not count against a turn). */
  private startedAt: number;
  private pausedAtStart: number;

  constructor(readonly round: number, readonly order: readonly string[], now: number, pausedMs = 0) {
    if (order.length === 0) throw new Error(`round ${round} has no participants to take turns`);
    this.startedAt = now;
    this.pausedAtStart = pausedMs;
  }

  /** The volunteer whose turn it is; null once every turn is over. */
  get current(): string | null {
    return this.order[this.index] ?? null;
  }

  get turnsDone(): number {
    return this.index;
  }

  /** Turns to run before `id`'s (the running one included): 0 when it is `id`'s turn, null when its turn is over or it is no participant. */
  aheadOf(id: string): number | null {
    const at = this.order.indexOf(id);
    return at < this.index ? null : at - this.index;
  }

  /** Milliseconds the current turn has run, paused time left out. */
  turnElapsed(now: number, pausedMs: number): number {
    return now - this.startedAt - (pausedMs - this.pausedAtStart);
  }

  /**
   * Ends the current turn (its volunteer reported, or is skipped with `skip`) and moves to the next participant not
   * `gone`; the gone ones passed over are skipped. Returns the volunteer whose turn starts, or null when the round's turns are over.
   */
  advance(now: number, pausedMs: number, gone: (id: string) => boolean, skip = false): string | null {
    const ended = this.current;
    if (ended === null) return null;
    if (skip) this.skippedIds.push(ended);
    this.index += 1;
    while (this.current !== null && gone(this.current)) {
      this.skippedIds.push(this.current);
      this.index += 1;
    }
    this.startedAt = now;
    this.pausedAtStart = pausedMs;
    return this.current;
  }

  /** The round's turns for the dashboard. */
  state(): TurnState {
    return { round: this.round, current: this.current, order: [...this.order], turnsDone: this.index, skipped: [...this.skippedIds] };
  }
}
