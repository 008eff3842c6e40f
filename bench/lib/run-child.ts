// Runs a child process without blocking: collects its stdout, passes each stderr line on, kills it after a time
// limit, and resolves with how it ended (never rejects: a failure to start is reported as `error`).
import { spawn } from 'node:child_process';

export interface ChildOutcome {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed at the time limit. */
  timedOut: boolean;
  /** The last non-empty stderr line, for messages. */
  lastErr: string;
  /** Set when the process could not start. */
  error: Error | null;
}

export function runChild(command: string, args: string[], options: { timeoutMs: number; cwd?: string; onStderrLine?: (line: string) => void }): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let lastErr = '';
    let timedOut = false;
    let error: Error | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (!line.trim()) continue;
        lastErr = line;
        options.onStderrLine?.(line);
      }
    });
    child.on('error', (e) => (error = e));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, code, signal, timedOut, lastErr, error });
    });
  });
}
