// `pnpm demo -- --server-processes N --redis URL`: a coordinator in this process and N split workers as child
// processes (`pnpm start -- --role worker`), all coordinated through the given Redis. Without those flags the demo
// runs one server in this process, as before.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeBackendChoice } from '@splitlora/node';
import { type Coordinator, createServer, type SplitLoraServer, startCoordinator } from '@splitlora/server';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface DemoCluster {
  server: SplitLoraServer;
  /** What the fleet connects to: the server, or the workers' URLs comma-separated. */
  fleetUrl: string;
  /** Every server process with what it did (for the JSON summary). */
  processes(): { role: 'single' | 'coordinator' | 'worker'; name: string; pid: number; url: string; steps: number | null }[];
  close(): Promise<void>;
}

interface WorkerProcess { name: string; child: ChildProcess; url: string }

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
  const workers = await Promise.all(Array.from({ length: options.serverProcesses }, (_, i) => spawnWorker(`demo-worker-${i + 1}`, options, log)));
  for (let i = 0; i < 600 && workers.some((w) => !coordinator.workers().has(w.name)); i++) await new Promise((r) => setTimeout(r, 100));
  log(`coordinator on ${coordinator.url}; split workers: ${workers.map((w) => `${w.name} ${w.url} (pid ${w.child.pid})`).join(', ')}`);
  return {
    server: coordinator,
    fleetUrl: workers.map((w) => w.url).join(','),
    processes: () => [
      { role: 'coordinator', name: 'coordinator', pid: process.pid, url: coordinator.url, steps: null },
      ...workers.map((w) => ({ role: 'worker' as const, name: w.name, pid: w.child.pid ?? 0, url: w.url, steps: coordinator.stepsByWorker().get(w.name) ?? 0 })),
    ],
    async close() {
      await Promise.all(workers.map((w) => new Promise<void>((done) => {
        if (w.child.exitCode !== null) return done();
        w.child.once('exit', () => done());
        w.child.kill('SIGTERM');
      })));
      await coordinator.close();
    },
  };
}

/** Starts `pnpm start -- --role worker` on a free port and waits for the URL it prints. */
function spawnWorker(name: string, options: { redis?: string; dataDir: string; verbose: boolean; backend: NodeBackendChoice }, log: (line: string) => void): Promise<WorkerProcess> {
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), [
    join(REPO_ROOT, 'apps/server/src/cli.ts'), '--role', 'worker', '--redis', options.redis!, '--worker-name', name, '--port', '0', '--host', '127.0.0.1',
    '--data-dir', options.dataDir, '--backend', options.backend, ...(options.verbose ? [] : ['--quiet']),
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /volunteers: (http:\/\/\S+?)\/?\s/.exec(out)?.[1];
      if (url !== undefined) resolveUrl({ name, child, url });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').filter((l) => l.trim() !== '').forEach((l) => log(`[${name}] ${l}`)));
    child.once('exit', (code) => reject(new Error(`split worker ${name} exited with ${code} before it was ready`)));
  });
}
