// Starts the real SplitLoRA server (the `pnpm start` entry point) as a child process on a free port, for e2e tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  adminToken: string;
  runsDir: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

export interface ServerProcessOptions {
  /** Start on this port (a restart after a crash); default a free one. */
  port?: number;
  runsDir?: string;
  /** The admin token; given through $SPLITLORA_ADMIN_TOKEN (as a user keeps it across restarts) when `tokenInEnv`. */
  adminToken?: string;
  tokenInEnv?: boolean;
  /** Serve HTTPS with this certificate (PEM files). */
  tls?: { cert: string; key: string };
}

/** Starts the server; `extraArgs` may depend on the port (an allow-list naming the server's own address). */
export async function startServerProcess(extraArgs: string[] | ((port: number) => string[]) = [], options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? await freePort();
  const adminToken = options.adminToken ?? `e2e-${Math.random().toString(36).slice(2, 10)}`;
  const runsDir = options.runsDir ?? mkdtempSync(join(tmpdir(), 'splitlora-e2e-runs-'));
  const tokenArgs = options.tokenInEnv ? [] : ['--admin-token', adminToken];
  const tlsArgs = options.tls ? ['--tls-cert', options.tls.cert, '--tls-key', options.tls.key] : [];
  const extra = typeof extraArgs === 'function' ? extraArgs(port) : extraArgs;
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/server/src/cli.ts'),
    '--port', String(port), '--host', '127.0.0.1', ...tokenArgs, ...tlsArgs, '--runs-dir', runsDir, '--backend', 'wasm', ...extra],
  { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.tokenInEnv ? { ...process.env, SPLITLORA_ADMIN_TOKEN: adminToken } : process.env });
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('SplitLoRA server ready')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://localhost:${port}`, adminToken, runsDir, child, output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
