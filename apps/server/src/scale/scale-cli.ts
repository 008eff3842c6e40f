// `pnpm start -- --role coordinator|worker --redis URL`: checks the scale-out flags and runs a split worker until
// it is told to stop (the coordinator is the usual server with its hooks, started by cli.ts).
import type { NodeBackendChoice } from '@splitlora/node';
import { startWorker } from './worker.js';

export type ScaleRole = { role: 'coordinator'; redisUrl: string } | { role: 'worker'; redisUrl: string; name: string | undefined };

/** The role the flags ask for; null for the single-process default. Bad combinations are errors that say why. */
export function scaleRole(role: string | undefined, redis: string | undefined, workerName: string | undefined): ScaleRole | null {
  if (role === undefined || role === 'single') {
    if (redis !== undefined) throw new Error('--redis needs --role coordinator or --role worker (a single process uses no Redis)');
    return null;
  }
  if (role !== 'coordinator' && role !== 'worker') throw new Error(`--role must be single, coordinator or worker, found "${role}"`);
  if (redis === undefined || !/^rediss?:\/\//.test(redis)) throw new Error(`--role ${role} needs --redis redis://host:port, found ${redis === undefined ? 'none' : `"${redis}"`}`);
  if (workerName !== undefined && (role !== 'worker' || !/^[\w.-]{1,64}$/.test(workerName))) {
    throw new Error(role !== 'worker' ? '--worker-name is for --role worker' : `--worker-name must be 1-64 letters, digits, ".", "_" or "-", found "${workerName}"`);
  }
  return role === 'coordinator' ? { role, redisUrl: redis } : { role, redisUrl: redis, name: workerName };
}

export async function runWorker(
  role: Extract<ScaleRole, { role: 'worker' }>,
  options: { port: number; host: string; backend: NodeBackendChoice; dataDir: string | undefined; modelsDir: string | undefined; maxMessageBytes: number; quiet: boolean | undefined; resumeDir: string | undefined },
): Promise<void> {
  if (options.resumeDir !== undefined) throw new Error('--resume belongs to the coordinator (--role coordinator)');
  const worker = await startWorker({ ...options, redisUrl: role.redisUrl, name: role.name });
  process.stdout.write(`\nSplitLoRA split worker ${worker.name} ready (${worker.backend})\n  volunteers: ${worker.url}/\n  coordinated through ${role.redisUrl}\n\n`);
  const shutdown = () => {
    process.stdout.write('shutting down…\n');
    void worker.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
