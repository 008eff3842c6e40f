// The run-history card's rows (DOM-free): earlier runs newest first, the current run left to the live cards, and the
// round records of a run opened from the history.
import type { MetricRecord, RoundRecord, RunListEntry } from '@splitlora/protocol';
import { formatLoss } from '@splitlora/web-kit';

export interface HistoryRow {
  runId: string;
  name: string;
  model: string;
  progress: string;
  started: string;
  /** Rounds whose adapters were saved, newest first (round 0 is the starting point, not offered). */
  rounds: number[];
}

export interface HistoryRoundRow {
  round: number;
  trainLoss: string;
  evalLoss: string;
  volunteers: number;
}

export function historyRows(runs: readonly RunListEntry[], formatTime: (ms: number) => string): HistoryRow[] {
  return runs.filter((r) => !r.current).map((r) => ({
    runId: r.runId, name: r.name, model: r.model,
    progress: `${r.completedRounds} of ${r.rounds} round${r.rounds === 1 ? '' : 's'}`,
    started: formatTime(r.createdAt),
    rounds: Array.from({ length: r.completedRounds }, (_, i) => r.completedRounds - i),
  }));
}

/** The trained rounds of a run's metric records, newest first. */
export function historyRoundRows(records: readonly MetricRecord[]): HistoryRoundRow[] {
  return records
    .filter((m): m is RoundRecord => m.kind === 'round' && m.round > 0)
    .sort((a, b) => b.round - a.round)
    .map((r) => ({ round: r.round, trainLoss: formatLoss(r.trainLoss), evalLoss: formatLoss(r.evalLoss), volunteers: r.participants.length }));
}
