// The page's list of chosen files and what the worker found in each: reading, ready (with counts) or refused (why).
// DOM-free; the files view renders it and the Start button asks it whether training can begin.
import type { FileReport } from '../protocol/worker-messages.js';

interface EntryBase {
  id: string;
  name: string;
  bytes: number;
}

export type FileEntry =
  | (EntryBase & { state: 'reading' })
  | (EntryBase & { state: 'ready'; format: string; examples: number; tokens: number; preview: string[] })
  | (EntryBase & { state: 'error'; error: string; preview: string[] });

export interface FileTotals {
  ready: number;
  reading: number;
  refused: number;
  examples: number;
  tokens: number;
  bytes: number;
}

export class FileList {
  private entries: FileEntry[] = [];
  private nextId = 1;

  all(): readonly FileEntry[] {
    return this.entries;
  }

  /**
   * Adds a chosen file: 'reading' while the worker inspects it, or refused at once when the same file
   * (name and size) is already in the list. Returns the entry; only 'reading' entries go to the worker.
   */
  add(name: string, bytes: number): FileEntry {
    const id = `file-${this.nextId++}`;
    const twin = this.entries.find((e) => e.name === name && e.bytes === bytes && e.state !== 'error');
    const entry: FileEntry = twin === undefined
      ? { id, name, bytes, state: 'reading' }
      : { id, name, bytes, state: 'error', error: `${name} is already in the list`, preview: [] };
    this.entries = [...this.entries, entry];
    return entry;
  }

  /** Applies the worker's report; a report for a removed file is ignored (returns false). */
  applyReport(report: FileReport): boolean {
    const index = this.entries.findIndex((e) => e.id === report.id);
    if (index < 0) return false;
    const { id, name, bytes } = this.entries[index]!;
    const entry: FileEntry = report.error !== undefined
      ? { id, name, bytes, state: 'error', error: report.error, preview: report.preview }
      : { id, name, bytes, state: 'ready', format: report.format ?? 'text', examples: report.examples, tokens: report.tokens, preview: report.preview };
    this.entries = this.entries.map((e, i) => (i === index ? entry : e));
    return true;
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== before;
  }

  totals(): FileTotals {
    const totals: FileTotals = { ready: 0, reading: 0, refused: 0, examples: 0, tokens: 0, bytes: 0 };
    for (const e of this.entries) {
      if (e.state === 'reading') totals.reading++;
      else if (e.state === 'error') totals.refused++;
      else {
        totals.ready++;
        totals.examples += e.examples;
        totals.tokens += e.tokens;
        totals.bytes += e.bytes;
      }
    }
    return totals;
  }

  /** Training can start when at least one file is ready and none is still being read. */
  canStart(): boolean {
    const t = this.totals();
    return t.ready > 0 && t.reading === 0;
  }
}
