// What every benchmark takes and returns: options (smoke size, flags, a progress log) and a report made of
// readable tables plus one JSON object, which the CLI prints (tables on stdout, JSON on the last stdout line).
import { Flags } from './flags.js';

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table (what was skipped and why, caveats). */
  notes?: string[];
}

export interface BenchReport<J extends object = Record<string, unknown>> {
  name: string;
  tables: Table[];
  /** The machine-readable result; the CLI adds `benchmark`, `smoke` and `machine` around it. */
  json: J;
}

export interface BenchOptions {
  /** Tiny sizes that finish in seconds (the test suite's smoke run). */
  smoke: boolean;
  flags: Flags;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
}

export interface FlagSpec {
  name: string;
  /** e.g. "LIST", "N"; absent for boolean switches. */
  value?: string;
  help: string;
}

/** A benchmark module: its name, its own flags and its run (its one-line summary is in benchmarks.ts). */
export interface Benchmark {
  name: string;
  flags: FlagSpec[];
  run(options?: Partial<BenchOptions>): Promise<BenchReport>;
}

/** A benchmark whose run gets every option, the defaults filled in: full size, no flags, no progress log. */
export function defineBenchmark(name: string, flags: FlagSpec[], run: (options: BenchOptions) => Promise<BenchReport>): Benchmark {
  return { name, flags, run: (partial = {}) => run({ smoke: partial.smoke ?? false, flags: partial.flags ?? new Flags(), log: partial.log ?? (() => {}) }) };
}
