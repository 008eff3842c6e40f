// `pnpm demo -- --server-processes N --redis URL`: a coordinator in this process and N split workers as child
// processes (`pnpm start -- --role worker`), all coordinated through the given Redis. Without those flags the demo
// runs one server in this process, as before.
import type { NodeBackendChoice } from '@splitlora/node';
import { type Coordinator, createServer, spawnServerProcess, type SplitLoraServer, startCoordinator } from '@splitlora/server';

export interface DemoCluster {
  server: SplitLoraServer;
  /** What the fleet connects to: the server, or the workers' URLs comma-separated. */
  fleetUrl: string;
  /** Every server process with what it did (for the JSON summary). */
  processes(): { role: 'single' | 'coordinator' | 'worker'; name: string; pid: number; url: string; steps: number | null }[];
  close(): Promise<void>;
}

export async function startDemoCluster(
  options: { serverProcesses: number | undefined; redis: string | undefined; dataDir: string; runsDir: string | undefined; verbose: boolean; backend: NodeBackendChoice },
  log: (line: string) => void,
): Promise<DemoCluster> {
  const base = { port: 0, host: '127.0.0.1', backend: options.backend, dataDir: options.dataDir, runsDir: options.runsDir, quiet: !options.verbose };
  if (options.serverProcesses === undefined) {
    const server = await createServer(base);
    return {
      server, fleetUrl: server.url, close: () => server.close(),
      processes: () => [{ role: 'single', name: 'server', pid: process.pid, url: server.url, steps: server.host.current?.stepLatenciesMs.length ?? 0 }],
    };
  }
  if (options.redis === undefined) throw new Error('--server-processes needs --redis redis://host:port (a running redis-server)');
  const coordinator: Coordinator = await startCoordinator({ ...base, redisUrl: options.redis });
  const workers = await Promise.all(Array.from({ length: options.serverProcesses }, (_, i) => spawnServerProcess({
    role: 'worker', name: `demo-worker-${i + 1}`, redisUrl: options.redis!, dataDir: options.dataDir, backend: options.backend, verbose: options.verbose, log,
  })));
  await coordinator.untilWorkers(workers.map((w) => w.name), 60_000);
  log(`coordinator on ${coordinator.url}; split workers: ${workers.map((w) => `${w.name} ${w.url} (pid ${w.child.pid})`).join(', ')}`);
  return {
    server: coordinator,
    fleetUrl: workers.map((w) => w.url).join(','),
    processes: () => [
      { role: 'coordinator', name: 'coordinator', pid: process.pid, url: coordinator.url, steps: null },
      ...workers.map((w) => ({ role: 'worker' as const, name: w.name, pid: w.child.pid ?? 0, url: w.url, steps: coordinator.stepsByWorker().get(w.name) ?? 0 })),
    ],
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await coordinator.close();
    },
  };
}
