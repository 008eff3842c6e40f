// Runs a TypeScript entry of the bench in a child process (tsx) and reads the one JSON object it prints on its last
// stdout line; its stderr lines are passed to the log. A crash or timeout becomes an error naming its cause.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './python.js';

export function runChildJson<T>(entry: string, args: string[], timeoutMs: number, log: (line: string) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, entry), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let lastErr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (!line.trim()) continue;
        lastErr = line;
        log(`  ${line}`);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${entry} ${signal === 'SIGKILL' ? `ran past ${Math.round(timeoutMs / 1000)} s` : `exited with ${code ?? signal}`} without a JSON result (last stderr: ${lastErr.slice(0, 200)})`));
      }
    });
  });
}
