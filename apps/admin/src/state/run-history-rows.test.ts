// Earlier runs as rows (the current one is left out) and a run's round records, newest first.
import type { MetricRecord, RunListEntry } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { historyRoundRows, historyRows } from './run-history-rows.js';

const entry = (runId: string, current: boolean, completedRounds: number): RunListEntry => ({
  runId, name: `run ${runId}`, model: 'tiny', rounds: 3, completedRounds, createdAt: 1000, updatedAt: 2000, current,
});

describe('run history rows', () => {
  it('lists earlier runs with their saved rounds, newest round first', () => {
    const rows = historyRows([entry('b', true, 0), entry('a', false, 2)], (ms) => `t${ms}`);
    expect(rows).toEqual([{ runId: 'a', name: 'run a', model: 'tiny', progress: '2 of 3 rounds', started: 't1000', rounds: [2, 1] }]);
  });

  it('shows a run’s trained rounds with the volunteers that took part', () => {
    const round = (n: number, participants: string[]) => ({
      kind: 'round', runId: 'a', round: n, trainLoss: n === 0 ? null : 2.5, evalLoss: 3, evalPerplexity: 20, tokens: 1, bytesUp: 0, bytesDown: 0,
      clients: 1, participants, seconds: 1, tokensPerSecond: 1, endedAt: 0,
    }) as MetricRecord;
    const rows = historyRoundRows([round(0, []), round(1, ['c1', 'c2']), round(2, ['c1'])]);
    expect(rows.map((r) => [r.round, r.volunteers])).toEqual([[2, 1], [1, 2]]);
    expect(rows[0]!.trainLoss).toBe('2.500');
  });
});
