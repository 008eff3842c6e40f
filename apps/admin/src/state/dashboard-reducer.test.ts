// The snapshot and then live run/clients/metric/log events fold into the right dashboard view state.
import { describe, expect, it } from 'vitest';
import { reduceDashboard } from './dashboard-reducer.js';
import { EMPTY_DASHBOARD, LOG_LIMIT, type DashboardEvent, type DashboardState } from './dashboard-state.js';
import { fakeClient, fakeRun, fakeSnapshot, roundRecord, step } from './test-fixtures.js';

const fold = (events: DashboardEvent[], from: DashboardState = EMPTY_DASHBOARD): DashboardState =>
  events.reduce(reduceDashboard, from);

describe('dashboard reducer', () => {
  it('takes the snapshot: server, run, clients, and metrics split into steps and rounds', () => {
    const state = fold([{ type: 'snapshot', snapshot: fakeSnapshot() }]);
    expect(state.server?.models).toEqual(['tiny', 'gpt2', 'hf:my-model']);
    expect(state.run?.state).toBe('training');
    expect(state.clients.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(state.steps).toHaveLength(2);
    expect(state.rounds.map((r) => r.round)).toEqual([0, 1]);
  });

  it('appends live steps and keeps rounds sorted and unique', () => {
    const state = fold([
      { type: 'snapshot', snapshot: fakeSnapshot() },
      { type: 'metric', record: step('c1', 2, 0, 2.5) },
      { type: 'metric', record: roundRecord(3) },
      { type: 'metric', record: roundRecord(2) },
      { type: 'metric', record: roundRecord(2, { evalLoss: 1.5 }) },
    ]);
    expect(state.steps.at(-1)).toMatchObject({ clientId: 'c1', round: 2, loss: 2.5 });
    expect(state.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3]);
    expect(state.rounds[2]?.evalLoss).toBe(1.5);
  });

  it('drops metrics of another run, and all metrics while there is no run', () => {
    const before = fold([{ type: 'snapshot', snapshot: fakeSnapshot() }]);
    const after = reduceDashboard(before, { type: 'metric', record: step('c1', 2, 0, 2.5, 'old-run') });
    expect(after).toBe(before);
    const noRun = fold([{ type: 'snapshot', snapshot: fakeSnapshot({ run: null }) }, { type: 'metric', record: roundRecord(2) }]);
    expect(noRun.steps).toEqual([]);
    expect(noRun.rounds).toEqual([]);
  });

  it('keeps histories while the run changes state, and clears them for a new run', () => {
    const start = fold([{ type: 'snapshot', snapshot: fakeSnapshot() }]);
    const paused = reduceDashboard(start, { type: 'run', run: fakeRun({ state: 'paused' }) });
    expect(paused.run?.state).toBe('paused');
    expect(paused.steps).toBe(start.steps);
    expect(paused.rounds).toBe(start.rounds);
    const next = reduceDashboard(paused, { type: 'run', run: fakeRun({ runId: 'run-2', state: 'created', round: 0 }) });
    expect(next.steps).toEqual([]);
    expect(next.rounds).toEqual([]);
    const none = reduceDashboard(paused, { type: 'run', run: null });
    expect(none.run).toBeNull();
    expect(none.rounds).toEqual([]);
  });

  it('replaces the client list', () => {
    const state = fold([
      { type: 'snapshot', snapshot: fakeSnapshot() },
      { type: 'clients', clients: [fakeClient('c3', { state: 'disconnected' })] },
    ]);
    expect(state.clients.map((c) => c.id)).toEqual(['c3']);
  });

  it('keeps only the newest log lines', () => {
    const events: DashboardEvent[] = Array.from({ length: LOG_LIMIT + 5 }, (_, i) => ({
      type: 'log', entry: { time: i, level: 'info', message: `line ${i}` },
    }));
    const state = fold(events);
    expect(state.logs).toHaveLength(LOG_LIMIT);
    expect(state.logs[0]?.message).toBe('line 5');
  });

  it('does not change the state it was given', () => {
    const start = fold([{ type: 'snapshot', snapshot: fakeSnapshot() }]);
    const steps = start.steps;
    reduceDashboard(start, { type: 'metric', record: step('c2', 2, 1, 2.4) });
    expect(start.steps).toBe(steps);
    expect(steps).toHaveLength(2);
  });
});

describe('log history', () => {
  it('starts from the snapshot’s recent server logs', () => {
    const state = reduceDashboard(EMPTY_DASHBOARD, { type: 'snapshot', snapshot: fakeSnapshot() });
    expect(state.logs.map((l) => l.message)).toEqual(['state → training']);
  });
});
