// Unit tests of the page's file list model: reading → ready or refused, duplicates, removal, totals, Start.
import { describe, expect, it } from 'vitest';
import type { FileReport } from '../protocol/worker-messages.js';
import { FileList } from './file-list.js';

const report = (id: string, extra: Partial<FileReport> = {}): FileReport => ({
  id, name: 'x', bytes: 10, format: 'csv', examples: 5, tokens: 120, preview: ['mr,ref'], ...extra,
});

describe('FileList', () => {
  it('starts training only when some file is ready and none is still being read', () => {
    const files = new FileList();
    expect(files.canStart()).toBe(false);
    const a = files.add('a.csv', 100);
    const b = files.add('b.txt', 50);
    expect(a.state).toBe('reading');
    expect(files.canStart()).toBe(false);
    files.applyReport(report(a.id));
    expect(files.canStart()).toBe(false); // b is still being read
    files.applyReport(report(b.id, { examples: 0, tokens: 0, error: 'b.txt is empty (0 bytes)' }));
    expect(files.canStart()).toBe(true);
    expect(files.totals()).toEqual({ ready: 1, reading: 0, refused: 1, examples: 5, tokens: 120, bytes: 100 });
  });

  it('keeps the reason of a refused file and its preview', () => {
    const files = new FileList();
    const a = files.add('bad.csv', 10);
    files.applyReport(report(a.id, { error: 'bad.csv: expected columns "mr,ref"', preview: ['name,review'] }));
    expect(files.all()[0]).toMatchObject({ state: 'error', error: 'bad.csv: expected columns "mr,ref"', preview: ['name,review'] });
    expect(files.canStart()).toBe(false);
  });

  it('refuses the same file twice but accepts it again after removal', () => {
    const files = new FileList();
    const first = files.add('a.csv', 100);
    const twin = files.add('a.csv', 100);
    expect(twin).toMatchObject({ state: 'error', error: 'a.csv is already in the list' });
    expect(files.add('a.csv', 101).state).toBe('reading'); // another file with the same name
    expect(files.remove(first.id)).toBe(true);
    expect(files.add('a.csv', 100).state).toBe('reading');
  });

  it('ignores reports for removed files', () => {
    const files = new FileList();
    const a = files.add('a.csv', 100);
    files.remove(a.id);
    expect(files.applyReport(report(a.id))).toBe(false);
    expect(files.all()).toHaveLength(0);
    expect(files.remove('nope')).toBe(false);
  });
});
