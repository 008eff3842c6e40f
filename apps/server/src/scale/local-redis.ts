// A throwaway `redis-server` (Debian's) for tests and benchmarks: a free port, a temporary folder, no persistence.
// restart() kills it (SIGKILL) and starts it again on the same port (Redis-outage tests); stop() kills it and removes
// the folder. `redisServerPath()` is null when the binary is missing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../http/free-port.js';

export function redisServerPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : null;
}

export interface LocalRedis {
  url: string;
  port: number;
  pid(): number;
  /** Kills the server (SIGKILL, as a crash) and returns once it is gone; restart() brings it back on the same port. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`redis-server on port ${port} exited with ${code} before it was ready: ${output.slice(-500)}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}

function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}

export async function startLocalRedis(): Promise<LocalRedis> {
  const bin = redisServerPath();
  if (bin === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'splitlora-redis-'));
  const port = await freePort();
  let child = await launch(bin, port, dir);
  const killOnExit = () => child.kill('SIGKILL'); // a process that dies must not leave its Redis behind
  process.once('exit', killOnExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child.pid ?? 0,
    kill: () => killAndWait(child, 'SIGKILL'),
    async restart() {
      await killAndWait(child, 'SIGKILL');
      child = await launch(bin, port, dir);
    },
    async stop() {
      process.off('exit', killOnExit);
      await killAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
