// `pnpm bench scale`: 1, 10, 50, 100 Node-fleet volunteers on one server (server in a child process per level, fleet in
// its worker threads): aggregate tokens/s, server busy %, p50/p95 server-side step latency, memory — and where it stops.
// With `--workers 1,2,4`: the same volunteers spread over that many split-worker processes behind one coordinator.
import { cpus } from 'node:os';
import { runChildJson } from '../lib/child-json.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import type { LevelResult, LevelSpec } from './level.js';
import { workersTable } from './workers-table.js';

export const scaleBenchmark = defineBenchmark('scale', [
  { name: 'clients', value: 'LIST', help: 'load levels (default 1,10,50,100; with --workers 8)' },
  { name: 'workers', value: 'LIST', help: 'split-worker processes behind one coordinator and a redis-server started here, e.g. 0,1,2,4 (0: one process, no Redis, as without the flag)' },
  { name: 'sfl', value: 'LIST', help: 'SFL variants (default v2; v2,v1 compares)' },
  { name: 'fleet-threads', value: 'N', help: 'worker threads of the volunteer fleet (default 2)' },
  { name: 'warmup-s', value: 'S', help: 'seconds of training before the window (default 10)' },
  { name: 'window-s', value: 'S', help: 'measured seconds per level (default 45)' },
  { name: 'batch', value: 'B', help: 'batch size per volunteer step (default 8)' },
  { name: 'seq', value: 'T', help: 'max sequence length (default 64, as pnpm demo)' },
  { name: 'local-steps', value: 'I', help: 'local steps per round (default 10)' },
], runScaleBench);

/** `--workers 0,1,2,4`: whole numbers; 0 (one process playing both roles, no Redis) becomes null. */
function workerCounts(list: string): (number | null)[] {
  return list.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`--workers must list whole numbers 0…64 (0: one process, no Redis), found "${s}"`);
    return n === 0 ? null : n;
  });
}

async function runScaleBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const byWorkers = flags.has('workers');
  const splitWorkers = byWorkers ? workerCounts(flags.string('workers', '')) : [null];
  const levels = flags.numbers('clients', byWorkers ? [smoke ? 2 : 8] : smoke ? [1, 2] : [1, 10, 50, 100]);
  const variants = flags.list('sfl', ['v2'], ['v1', 'v2']) as ('v1' | 'v2')[];
  const fleetThreads = flags.number('fleet-threads', 2, { min: 1 });
  const results: LevelResult[] = [];
  for (const sfl of variants) {
    for (const workers of splitWorkers) {
      for (const clients of levels) {
        const spec: LevelSpec = {
          clients, splitWorkers: workers, sfl, fleetThreads: Math.min(fleetThreads, clients), batch: flags.number('batch', smoke ? 4 : 8, { min: 1 }),
          maxSeqLen: flags.number('seq', 64, { min: 8 }), localSteps: flags.number('local-steps', 10, { min: 1 }),
          warmupS: flags.number('warmup-s', smoke ? 1 : 10, { min: 0 }), windowS: flags.number('window-s', smoke ? 4 : 45, { min: 1 }),
          startLimitS: (smoke ? 60 : 240) + (workers ?? 0) * 30,
        };
        log(`SFL-${sfl.toUpperCase()} with ${clients} volunteer(s)${workers === null ? '' : ` over ${workers} split worker(s)`}…`);
        let r: LevelResult;
        try {
          r = await runChildJson<LevelResult>('bench/scale/level-main.ts', [JSON.stringify(spec)], (2 * spec.startLimitS + spec.warmupS + spec.windowS + 60) * 1000, log);
        } catch (error) {
          r = {
            clients, splitWorkers: workers, sfl, status: 'failed', reason: (error as Error).message, startSeconds: null, windowSeconds: 0, clientSteps: 0, clientsTraining: 0,
            tokensPerSecond: null, stepsPerSecond: null, serverBusyPercent: null, latencyP50Ms: null, latencyP95Ms: null, roundsCompleted: 0, rssMiB: 0, heapUsedMiB: 0, serverTensorMiB: 0,
          };
        }
        log(`  ${r.status === 'ok' ? `${r.tokensPerSecond} tokens/s, server busy ${r.serverBusyPercent}%, p50 ${r.latencyP50Ms} ms, p95 ${r.latencyP95Ms} ms, RSS ${r.rssMiB} MiB` : `${r.status}: ${r.reason}`}`);
        results.push(r);
      }
    }
  }
  if (byWorkers) return { name: 'scale', tables: [workersTable(results, fleetThreads)], json: { levels: results, fleetThreads, cpus: cpus().length } };
  const rows: Cell[][] = results.map((r) => [
    `SFL-${r.sfl.toUpperCase()}`, r.clients, r.status === 'ok' ? r.tokensPerSecond : r.status, r.stepsPerSecond, r.serverBusyPercent, r.latencyP50Ms, r.latencyP95Ms,
    r.clientsTraining, r.roundsCompleted, r.startSeconds, r.rssMiB, r.heapUsedMiB, r.status === 'ok' ? null : r.reason,
  ]);
  const ok = results.filter((r) => r.status === 'ok' && r.tokensPerSecond !== null);
  const best = [...ok].sort((a, b) => b.tokensPerSecond! - a.tokensPerSecond!)[0];
  const saturated = ok.find((r) => (r.serverBusyPercent ?? 0) >= 90);
  const firstFailure = results.find((r) => r.status !== 'ok');
  return {
    name: 'scale',
    tables: [{
      title: 'Many volunteers on one server (tiny, cut 3)',
      columns: ['variant', 'clients', 'tokens/s', 'client steps/s', 'server busy %', 'p50 step ms', 'p95 step ms', 'clients in window', 'rounds in window', 'start s', 'peak RSS MiB', 'peak heap MiB', 'note'],
      rows,
      notes: [
        `a fresh process per level: the server (one thread; its model work in one serial queue) and ${fleetThreads} fleet worker threads share ${cpus().length} cores; RSS counts the workers too, heap is the server thread's.`,
        'tokens/s = trained (loss-counted) tokens of the steps answered inside the window; busy % = time the run\'s serial queue spent computing / window; step latency = server-side, arrival to answer (fusion wait and queueing included).',
        'start s = from the fleet\'s start until every volunteer had trained once (join, weights download, tokenizing, first step). No evaluation runs (evalData null).',
        ...(best !== undefined ? [`highest throughput: ${best.tokensPerSecond} tokens/s with ${best.clients} clients (SFL-${best.sfl.toUpperCase()}).`] : []),
        ...(saturated !== undefined ? [`the server is saturated (busy ≥ 90%) from ${saturated.clients} clients (SFL-${saturated.sfl.toUpperCase()}) on: beyond that, more clients add latency, not tokens/s.`] : []),
        ...(firstFailure !== undefined ? [`first failure: SFL-${firstFailure.sfl.toUpperCase()} with ${firstFailure.clients} clients: ${firstFailure.reason}`] : []),
      ],
    }],
    json: { levels: results, fleetThreads, cpus: cpus().length },
  };
}
