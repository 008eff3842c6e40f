// Unit tests of the shared formatting helpers.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatInteger, formatLoss, formatPercent, formatRate, plural } from './format.js';

describe('formatBytes', () => {
  it('uses decimal units with one decimal under 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('0 B');
    expect(formatBytes(950)).toBe('950 B');
    expect(formatBytes(1_000)).toBe('1 KB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
    expect(formatBytes(50_000_000)).toBe('50 MB');
    expect(formatBytes(13_600_000)).toBe('13.6 MB');
    // As the dashboard shows them (moved from apps/admin/src/state/table-rows.test.ts).
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(0.9)).toBe('1 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(2e15)).toBe('2000 TB');
  });

  it('never shows "1000 KB"', () => {
    expect(formatBytes(999_990)).toBe('1 MB');
  });
});

describe('counts', () => {
  it('formats integers with separators and compact counts', () => {
    expect(formatInteger(12_345.4)).toBe('12,345');
    expect(formatInteger(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(12_345)).toBe('12.3k');
    expect(formatCompact(4_200_000)).toBe('4.2M');
  });

  it('pluralises nouns', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'file')).toBe('0 files');
    expect(plural(1200, 'example')).toBe('1,200 examples');
  });
});

describe('loss, rate and percent', () => {
  it('formats losses and rates', () => {
    expect(formatLoss(null)).toBe('—');
    expect(formatLoss(Number.NaN)).toBe('—');
    expect(formatLoss(3.14159)).toBe('3.142');
    expect(formatRate(0.84)).toBe('0.8');
    expect(formatRate(42.5)).toBe('42.5');
    expect(formatRate(1234.4)).toBe('1,234');
    expect(formatRate(-1)).toBe('—');
  });

  it('clamps percentages', () => {
    expect(formatPercent(2, 3)).toBe('67%');
    expect(formatPercent(5, 3)).toBe('100%');
    expect(formatPercent(1, 0)).toBe('0%');
  });
});

describe('durations', () => {
  it('formats seconds and time ago', async () => {
    const { formatAgo, formatSeconds } = await import('./format.js');
    expect(formatSeconds(42)).toBe('42.0 s');
    expect(formatSeconds(185)).toBe('3 min 5 s');
    expect(formatAgo(10_000, 7_000)).toBe('3 s ago');
    expect(formatAgo(3 * 3600_000, 0)).toBe('3 h ago');
  });
});
