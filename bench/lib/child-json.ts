// Runs a TypeScript entry of the bench in a child process (tsx) and reads the one JSON object it prints on its last
// stdout line; its stderr lines are passed to the log. A crash or timeout becomes an error naming its cause.
import { join } from 'node:path';
import { REPO_ROOT } from './python.js';
import { runChild } from './run-child.js';

export async function runChildJson<T>(entry: string, args: string[], timeoutMs: number, log: (line: string) => void): Promise<T> {
  const outcome = await runChild(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, entry), ...args], { timeoutMs, cwd: REPO_ROOT, onStderrLine: (line) => log(`  ${line}`) });
  if (outcome.error !== null) throw outcome.error;
  const last = outcome.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${entry} ${outcome.timedOut ? `ran past ${Math.round(timeoutMs / 1000)} s` : `exited with ${outcome.code ?? outcome.signal}`} without a JSON result (last stderr: ${outcome.lastErr.slice(0, 200)})`);
  }
}
