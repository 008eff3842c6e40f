// The server side of a live benchmark run: one in-process server (the default), or a coordinator in this process with
// N split workers as child processes behind a throwaway `redis-server` (issue 18). Either way: the server that holds
// the run, the URL(s) the fleet connects to, and each server process's step latencies and busy time.
import { readFileSync } from 'node:fs';
import {
  type Coordinator, createServer, type ServerOptions, type ServerProcess, spawnServerProcess, type SplitLoraServer, startCoordinator, startLocalRedis,
} from '@splitlora/server';

type LogSink = NonNullable<ServerOptions['logSinks']>[number];

/** One server process's load so far: server-side step latencies in arrival order, and ms its model queue computed. */
export interface ProcessLoad {
  latenciesMs: number[];
  busyMs: number;
}

export interface LiveServers {
  server: SplitLoraServer;
  /** What the fleet connects to: the server's URL, or the workers' URLs comma-separated. */
  fleetUrl: string;
  /** Load per process that trains steps (the server, or each worker), by name. */
  load(): Map<string, ProcessLoad>;
  /** Resident memory (MiB) of the worker processes together (0 for one in-process server). */
  childRssMiB(): number;
  close(): Promise<void>;
}

export interface LiveServersOptions {
  dataDir: string;
  runsDir: string;
  /** Split-worker processes behind a coordinator; undefined: one in-process server. */
  splitWorkers?: number;
  rateLimit?: ServerOptions['rateLimit'];
  /** The in-process server's access options (the fleet's per-address limits). */
  access?: ServerOptions['access'];
  sink: LogSink;
  log: (line: string) => void;
}

function rssMiBOf(pid: number | undefined): number {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? 0 : Number(kib) / 1024;
  } catch {
    return 0; // not Linux, or the process is gone
  }
}

export async function startLiveServers(options: LiveServersOptions): Promise<LiveServers> {
  const base = {
    port: 0, host: '127.0.0.1', dataDir: options.dataDir, runsDir: options.runsDir, quiet: true, backend: 'wasm' as const, logSinks: [options.sink],
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  };
  if (options.splitWorkers === undefined) {
    const server = await createServer({ ...base, ...(options.access ? { access: options.access } : {}) });
    return {
      server, fleetUrl: server.url, childRssMiB: () => 0, close: () => server.close(),
      load: () => new Map([['server', { latenciesMs: [...(server.host.current?.stepLatenciesMs ?? [])], busyMs: server.host.current?.busyMs ?? 0 }]]), // a snapshot
    };
  }
  const redis = await startLocalRedis();
  let coordinator: Coordinator | null = null;
  const workers: ServerProcess[] = [];
  const close = async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await coordinator?.close();
    await redis.stop();
  };
  try {
    coordinator = await startCoordinator({ ...base, redisUrl: redis.url });
    const names = Array.from({ length: options.splitWorkers }, (_, i) => `bench-worker-${i + 1}`);
    const started = await Promise.allSettled(names.map((name) => spawnServerProcess({ role: 'worker', name, redisUrl: redis.url, dataDir: options.dataDir, log: options.log })));
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason as Error;
    await coordinator.untilWorkers(names, 60_000);
    const c = coordinator;
    options.log(`coordinator ${c.url}, ${workers.length} split worker(s): ${workers.map((w) => `${w.name} (pid ${w.child.pid})`).join(', ')}, redis ${redis.url}`);
    return {
      server: c, fleetUrl: workers.map((w) => w.url).join(','), close,
      load: () => new Map(names.map((n) => [n, c.workerLoad().get(n) ?? { latenciesMs: [], busyMs: 0 }])),
      childRssMiB: () => workers.reduce((s, w) => s + rssMiBOf(w.child.pid), 0),
    };
  } catch (error) {
    await close();
    throw error;
  }
}
