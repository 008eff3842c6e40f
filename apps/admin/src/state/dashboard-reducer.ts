// Pure reducer: folds the admin snapshot and live admin:* events into the dashboard's view state.
// Metrics belong to the current run: those of another run (or with no run) are dropped; a new run id starts empty histories.
import type { MetricRecord, RoundRecord, RunSnapshot, StepRecord } from '@splitlora/protocol';
import { LOG_LIMIT, type DashboardEvent, type DashboardState } from './dashboard-state.js';

export function reduceDashboard(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.type) {
    case 'snapshot': {
      const { server, run, clients, metrics, logs } = event.snapshot;
      return { ...state, server, run, clients, logs: logs.slice(-LOG_LIMIT), ...splitMetrics(metrics, run) };
    }
    case 'run': {
      const sameRun = event.run !== null && state.run !== null && event.run.runId === state.run.runId;
      return sameRun ? { ...state, run: event.run } : { ...state, run: event.run, steps: [], rounds: [] };
    }
    case 'clients':
      return { ...state, clients: event.clients };
    case 'metric':
      return addMetric(state, event.record);
    case 'log': {
      const logs = [...state.logs, event.entry];
      return { ...state, logs: logs.length > LOG_LIMIT ? logs.slice(logs.length - LOG_LIMIT) : logs };
    }
  }
}

function belongsToRun(record: MetricRecord, run: RunSnapshot | null): boolean {
  return run !== null && record.runId === run.runId;
}

function splitMetrics(metrics: MetricRecord[], run: RunSnapshot | null): Pick<DashboardState, 'steps' | 'rounds'> {
  const steps: StepRecord[] = [];
  let rounds: RoundRecord[] = [];
  for (const record of metrics) {
    if (!belongsToRun(record, run)) continue;
    if (record.kind === 'step') steps.push(record);
    else rounds = upsertRound(rounds, record);
  }
  return { steps, rounds };
}

function addMetric(state: DashboardState, record: MetricRecord): DashboardState {
  if (!belongsToRun(record, state.run)) return state;
  if (record.kind === 'step') return { ...state, steps: [...state.steps, record] };
  return { ...state, rounds: upsertRound(state.rounds, record) };
}

/** Inserts a round record in round order, replacing an earlier record of the same round. */
function upsertRound(rounds: RoundRecord[], record: RoundRecord): RoundRecord[] {
  const others = rounds.filter((r) => r.round !== record.round);
  const at = others.findIndex((r) => r.round > record.round);
  return at === -1 ? [...others, record] : [...others.slice(0, at), record, ...others.slice(at)];
}
