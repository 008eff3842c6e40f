// A coordinator or split worker as a child process (the server CLI's `--role`, one node process: a SIGKILL kills the
// server itself, not a launcher in front of it). Resolves with its URL once it is ready; used by the demo, the scale
// benchmark and the process-fault tests. The parent exiting kills it.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../server.js';

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  /** The worker's volunteer URL, or the coordinator's (dashboard and admin namespace). */
  url: string;
  /** Kills it (SIGTERM: a clean close; SIGKILL: a crash) and resolves once it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  role: 'coordinator' | 'worker';
  /** The worker's name (`--worker-name`); for a coordinator only a label in errors and logs. */
  name: string;
  redisUrl: string;
  dataDir: string;
  backend?: string;
  /** A fixed port (default: any free one). */
  port?: number;
  /** More CLI flags (e.g. `--admin-token`, `--runs-dir`, `--resume` for a coordinator). */
  args?: string[];
  verbose?: boolean;
  /** Each line it writes to stderr (its log). */
  log?: (line: string) => void;
  /** How long it may take to start (default 120 s). */
  startTimeoutMs?: number;
}

const READY_URL = { worker: /volunteers: (http:\/\/\S+?)\/?\s/, coordinator: /dashboard:\s+(http:\/\/\S+?)\/admin\// };

export function spawnServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { name, role } = options;
  const child = spawn(process.execPath, [
    '--import', 'tsx', join(REPO_ROOT, 'apps/server/src/cli.ts'), '--role', role, '--redis', options.redisUrl, ...(role === 'worker' ? ['--worker-name', name] : []),
    '--port', String(options.port ?? 0), '--host', '127.0.0.1', '--data-dir', options.dataDir, '--backend', options.backend ?? 'wasm',
    ...(options.verbose ? [] : ['--quiet']), ...(options.args ?? []),
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const kill = (signal: NodeJS.Signals) => new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill(signal);
  });
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} ${name} did not start within ${timeoutMs / 1000} s: ${err.slice(-500)}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = READY_URL[role].exec(out)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ name, child, url, kill });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      chunk.split('\n').filter((l) => l.trim() !== '').forEach((l) => options.log?.(`[${name}] ${l}`));
    });
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${role} ${name} exited with ${code} before it was ready: ${err.slice(-500)}`));
    };
    child.once('exit', early);
  });
}
