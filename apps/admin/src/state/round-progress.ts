// Progress of the run and of its current round, from the run snapshot and the per-client step records.
import type { RunSnapshot, StepRecord } from '@splitlora/protocol';

export interface RoundProgress {
  /** The round in progress or next (1-based; 0 before the first). */
  round: number;
  rounds: number;
  completedRounds: number;
  /** 0..1: local steps reported this round over participants × local steps. */
  fraction: number;
  /** e.g. "12 of 30 local steps" */
  detail: string;
}

export function roundProgress(run: RunSnapshot | null, steps: readonly StepRecord[]): RoundProgress | null {
  if (run === null) return null;
  const base = { round: run.round, rounds: run.rounds, completedRounds: run.completedRounds };
  const localSteps = run.config.localSteps;
  if (run.state === 'finished') return { ...base, fraction: 1, detail: `all ${run.rounds} rounds done` };
  if (run.state === 'aggregating') return { ...base, fraction: 1, detail: 'averaging adapters' };
  if (run.round === 0) return { ...base, fraction: 0, detail: 'not started' };

  // Count distinct (client, step) pairs of this round, so a replayed step is not counted twice.
  const done = new Map<string, Set<number>>();
  for (const s of steps) {
    if (s.round !== run.round) continue;
    const set = done.get(s.clientId) ?? new Set<number>();
    set.add(s.step);
    done.set(s.clientId, set);
  }
  const participants = run.participants.length > 0 ? run.participants : [...done.keys()];
  if (participants.length === 0) return { ...base, fraction: 0, detail: 'waiting for volunteers' };
  const total = participants.length * localSteps;
  const reported = participants.reduce((sum, id) => sum + Math.min(done.get(id)?.size ?? 0, localSteps), 0);
  return { ...base, fraction: reported / total, detail: `${reported} of ${total} local steps` };
}
