// Aggregates a fleet's volunteer events into one status line (for humans) and a summary (for --json).
import type { VolunteerEvent, VolunteerStatus } from '@splitlora/client';

export interface FleetSummary {
  clients: number;
  steps: number;
  tokens: number;
  rounds: { round: number; trainLoss: number | null; evalLoss: number | null }[];
  statuses: Partial<Record<VolunteerStatus, number>>;
  errors: string[];
  bytesUp: number;
  bytesDown: number;
}

export class FleetProgress {
  private readonly status = new Map<number, VolunteerStatus>();
  private readonly traffic = new Map<number, { up: number; down: number }>();
  private readonly rounds = new Map<number, { trainLoss: number | null; evalLoss: number | null }>();
  private readonly recentTokens: { time: number; tokens: number }[] = [];
  private steps = 0;
  private tokens = 0;
  private readonly errors: string[] = [];

  constructor(private readonly clients: number, private readonly now: () => number = Date.now) {}

  record(index: number, event: VolunteerEvent): void {
    switch (event.type) {
      case 'status': this.status.set(index, event.status); break;
      case 'step':
        this.steps += 1;
        this.tokens += event.tokens;
        this.recentTokens.push({ time: this.now(), tokens: event.tokens });
        break;
      case 'round-end': this.rounds.set(event.round, { trainLoss: event.trainLoss, evalLoss: event.evalLoss }); break;
      case 'traffic': this.traffic.set(index, { up: event.bytesUp, down: event.bytesDown }); break;
      case 'error': this.errors.push(`client ${index}: ${event.message}`); break;
      default: break;
    }
  }

  /** Tokens per second over the last 10 seconds. */
  tokensPerSecond(): number {
    const since = this.now() - 10_000;
    while (this.recentTokens.length > 0 && this.recentTokens[0]!.time < since) this.recentTokens.shift();
    return this.recentTokens.reduce((s, r) => s + r.tokens, 0) / 10;
  }

  summary(): FleetSummary {
    const statuses: Partial<Record<VolunteerStatus, number>> = {};
    for (const s of this.status.values()) statuses[s] = (statuses[s] ?? 0) + 1;
    let bytesUp = 0;
    let bytesDown = 0;
    for (const t of this.traffic.values()) {
      bytesUp += t.up;
      bytesDown += t.down;
    }
    const rounds = [...this.rounds.entries()].sort((a, b) => a[0] - b[0]).map(([round, r]) => ({ round, ...r }));
    return { clients: this.clients, steps: this.steps, tokens: this.tokens, rounds, statuses, errors: this.errors, bytesUp, bytesDown };
  }

  line(): string {
    const s = this.summary();
    const states = Object.entries(s.statuses).map(([k, v]) => `${v} ${k}`).join(', ');
    const last = s.rounds.at(-1);
    const round = last ? `round ${last.round} done (eval ${last.evalLoss?.toFixed(3) ?? '—'})` : 'no round done yet';
    return `${s.clients} volunteers: ${states || 'starting'} · ${round} · ${s.steps} steps · ${Math.round(this.tokensPerSecond())} tok/s · ↑${(s.bytesUp / 1e6).toFixed(1)} MB ↓${(s.bytesDown / 1e6).toFixed(1)} MB`;
  }
}
