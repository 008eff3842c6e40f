// A run's metric records (round records and a bounded tail of step records): kept in memory for dashboards,
// appended to the run folder's metrics.jsonl, and pushed to the admin namespace as they happen.
import type { MetricRecord } from '@splitlora/protocol';
import type { RunNotifier } from './run-deps.js';
import type { RunStore } from './run-store.js';

/** Step records kept in memory (round records are always kept); older step records are dropped first. */
const MAX_STEP_RECORDS = 20_000;

export class MetricLog {
  constructor(
    private readonly records: MetricRecord[],
    private readonly store: RunStore,
    private readonly notify: RunNotifier,
  ) {}

  push(record: MetricRecord): void {
    this.records.push(record);
    if (this.records.length > MAX_STEP_RECORDS) {
      const index = this.records.findIndex((r) => r.kind === 'step');
      if (index >= 0) this.records.splice(index, 1);
    }
    this.store.appendMetric(record);
    this.notify.metric(record);
  }

  history(): MetricRecord[] {
    return this.records;
  }

  hasRound(round: number): boolean {
    return this.records.some((r) => r.kind === 'round' && r.round === round);
  }
}
