// The table of `pnpm bench scale --workers LIST`: tokens/s and server-side step latency against the number of split
// workers behind one coordinator (0: one process, no Redis), each row's tokens/s as a ratio to the first listed.
import { cpus } from 'node:os';
import type { Cell, Table } from '../lib/report.js';
import { round } from '../lib/stats.js';
import type { LevelResult } from './level.js';

export function workersTable(results: LevelResult[], fleetThreads: number): Table {
  const peer = (r: LevelResult) => results.find((p) => p.clients === r.clients && p.sfl === r.sfl && p.status === 'ok');
  const rows: Cell[][] = results.map((r) => {
    const one = peer(r);
    const ratio = r.status === 'ok' && one !== undefined && r.tokensPerSecond !== null && one.tokensPerSecond ? round(r.tokensPerSecond / one.tokensPerSecond, 2) : null;
    return [
      `SFL-${r.sfl.toUpperCase()}`, r.splitWorkers ?? '0 (one process)', r.clients, r.status === 'ok' ? r.tokensPerSecond : r.status, ratio, r.stepsPerSecond, r.serverBusyPercent,
      r.latencyP50Ms, r.latencyP95Ms, r.clientsTraining, r.roundsCompleted, r.startSeconds, r.rssMiB, r.status === 'ok' ? null : r.reason,
    ];
  });
  return {
    title: 'Split workers behind one coordinator, through Redis (tiny, cut 3)',
    columns: ['variant', 'workers', 'clients', 'tokens/s', '× first row', 'client steps/s', 'worker busy %', 'p50 step ms', 'p95 step ms', 'clients in window', 'rounds in window', 'start s', 'peak RSS MiB', 'note'],
    rows,
    notes: [
      `a fresh set of processes per row: a redis-server, the coordinator (in the level's process, with ${fleetThreads} fleet worker threads) and the split workers (one process each, wasm) share ${cpus().length} cores; volunteer i connects to worker i mod N. 0 workers: one in-process server, no Redis (the default).`,
      'tokens/s = trained tokens of the steps the coordinator counted inside the window; × first row = tokens/s over the first row of this run with as many clients; busy % = mean over the workers of the time their model queue computed / window (reported once a second); step latency = server-side on the worker, arrival to answer.',
      'peak RSS = the coordinator\'s process (with the fleet) plus every worker\'s.',
    ],
  };
}
