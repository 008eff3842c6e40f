// A real run: a server on port 0 in this process (or a coordinator here and split-worker processes, live-servers.ts;
// runs folder in a temp dir), one run, and a Node fleet of volunteers in worker threads training E2E dev-set shards,
// exactly as `pnpm demo` wires them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VolunteerEvent } from '@splitlora/client';
import { type NodeFleet, parseShardMode, startNodeFleet } from '@splitlora/fleet';
import type { RunConfig } from '@splitlora/protocol';
import type { Run, ServerOptions, SplitLoraServer } from '@splitlora/server';
import { requireDataDir } from './data.js';
import { type LiveServers, startLiveServers } from './live-servers.js';

type RateLimit = NonNullable<ServerOptions['rateLimit']>;
type LogSink = NonNullable<ServerOptions['logSinks']>[number];

export interface LiveRun {
  server: SplitLoraServer;
  /** The server process(es): load per process that trains steps, worker memory. */
  servers: LiveServers;
  run: Run;
  fleet: NodeFleet;
  /** Resolves once the run is over (finished, stopped or failed); rejects after `timeoutMs`, or when every
   * volunteer has ended while the run still waits for them. */
  over(timeoutMs: number): Promise<void>;
  /** Fatal errors the volunteers reported. */
  volunteerErrors: string[];
  /** Error lines of the server's log (the first 20). */
  serverErrors: string[];
  /** Volunteers leave, the run stops if it still goes, the server closes, the temp runs folder is removed. */
  close(): Promise<void>;
}

export interface LiveRunOptions {
  config: RunConfig;
  clients: number;
  /** Fleet worker threads (default min(clients, 2)). */
  fleetThreads?: number;
  /** Split-worker processes behind a coordinator and Redis (default: one in-process server, no Redis). */
  splitWorkers?: number;
  /** Per-client message rate limit of the server (default: the server's own). */
  rateLimit?: RateLimit;
  /** Called with the server before any volunteer connects (e.g. to attach a traffic meter). */
  beforeFleet?: (server: SplitLoraServer) => void;
  onEvent?: (index: number, event: VolunteerEvent) => void;
  log: (line: string) => void;
}

export async function startLiveRun(options: LiveRunOptions): Promise<LiveRun> {
  const dataDir = requireDataDir();
  const runsDir = mkdtempSync(join(tmpdir(), 'splitlora-bench-runs-'));
  const serverErrors: string[] = [];
  let warnings = 0;
  const sink: LogSink = {
    write(record) {
      if (record.level === 'info') return;
      if (record.level === 'error' && serverErrors.length < 20) serverErrors.push(record.message);
      if (++warnings <= 5) options.log(`server ${record.level}: ${record.message}`);
      else if (warnings === 6) options.log('server: further warnings and errors are not shown');
    },
  };
  // The fleet is one address standing in for many volunteers' machines: the per-address limits (32 connections, 60
  // joins a minute by default) would refuse a fleet of more than 32, so they grow with it.
  const perAddress = Math.max(64, 4 * options.clients);
  const servers = await startLiveServers({
    dataDir, runsDir, sink, log: options.log, ...(options.splitWorkers === undefined ? {} : { splitWorkers: options.splitWorkers }),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    access: { addressLimits: { connectionsPerAddress: perAddress, joinsPerMinute: perAddress } },
  });
  const { server } = servers;
  const volunteerErrors: string[] = [];
  let reconnects = 0;
  const run = await server.host.create(options.config);
  options.beforeFleet?.(server);
  const fleet = startNodeFleet({
    server: servers.fleetUrl, clients: options.clients, workers: options.fleetThreads,
    shards: { dataPath: join(dataDir, 'e2e', 'devset.csv'), clients: options.clients, mode: parseShardMode('iid'), seed: options.config.seed },
    onEvent: (index, event) => {
      if (event.type === 'error' && !closed && volunteerErrors.length < 3) options.log(`volunteer ${index}: ${event.message}`);
      if (event.type === 'error' && event.fatal) volunteerErrors.push(`volunteer ${index}: ${event.message}`);
      if (event.type === 'status' && event.status === 'reconnecting' && ++reconnects <= 3 && !closed) options.log(`volunteer ${index} reconnecting: ${event.message}`);
      options.onEvent?.(index, event);
    },
  });
  let fleetEnded = false;
  fleet.done.then(() => (fleetEnded = true), (error: Error) => {
    fleetEnded = true;
    options.log(`fleet failed: ${error.message}`);
  });
  let closed = false;
  run.start();
  return {
    server, servers, run, fleet, volunteerErrors, serverErrors,
    async over(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let endedAt: number | null = null;
      while (!run.machine.isOver()) {
        if (fleetEnded) endedAt ??= Date.now();
        if (endedAt !== null && Date.now() - endedAt > 5000) {
          throw new Error(`every volunteer ended but the run is still ${run.machine.state}${volunteerErrors.length ? `: ${volunteerErrors.slice(0, 2).join('; ')}` : ''}`);
        }
        if (Date.now() > deadline) throw new Error(`the run was still ${run.machine.state} after ${Math.round(timeoutMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!run.machine.isOver()) run.stop();
      fleet.leave();
      await Promise.race([fleet.done.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      try {
        await servers.close();
      } finally {
        rmSync(runsDir, { recursive: true, force: true });
      }
    },
  };
}
