// Rows of the clients and rounds tables, and the names downloaded adapter files are saved under.
import { describe, expect, it } from 'vitest';
import { clientLabels } from './chart-series.js';
import { formatAgo, formatCount } from './format.js';
import { clientRows, downloadFolderName, roundRows } from './table-rows.js';
import { fakeClient, roundRecord } from './test-fixtures.js';

describe('table rows', () => {
  it('lists participants first and disconnected clients last, with "last seen"', () => {
    const rows = clientRows([
      fakeClient('a', { state: 'disconnected', participating: false }),
      fakeClient('b', { participating: false, tokens: 10 }),
      fakeClient('c', { lastSeen: 7_000 }),
    ], 10_000);
    expect(rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(rows[0]?.lastSeen).toBe('3 s ago');
    expect(rows[2]?.tone).toBe('bad');
  });

  it('lists rounds newest first with names of participants', () => {
    const rows = roundRows([roundRecord(0), roundRecord(1)], clientLabels([fakeClient('c1', { name: 'Ada' })]));
    expect(rows.map((r) => r.label)).toEqual(['1', '0 · base']);
    expect(rows[0]?.participantNames).toBe('Ada, c2');
    expect(rows[0]?.trainLoss).toBe('2.900');
    expect(rows[1]?.trainLoss).toBe('—');
    expect(rows[1]?.evalPerplexity).toBe(Math.exp(3.2).toFixed(2));
  });

  it('counts the volunteers that started a round, not only those that reported', () => {
    const rows = roundRows([roundRecord(1, { participants: ['c1'], clients: 1, trainers: ['c1', 'c2'] })], new Map());
    expect(rows[0]?.participants).toBe('1 of 2');
    expect(roundRows([roundRecord(1, { trainers: ['c1', 'c2'] })], new Map())[0]?.participants).toBe('2');
  });

  it('names downloads by round and side', () => {
    expect(downloadFolderName(3, 'client')).toBe('round-3-client-adapter');
  });

  it('formats times and counts (bytes: web-kit\'s format.test.ts)', () => {
    expect(formatAgo(10_000, 7_000)).toBe('3 s ago');
    expect(formatAgo(200_000, 0)).toBe('3 min ago');
    expect(formatCount(12_345)).toBe('12.3k');
  });
});
