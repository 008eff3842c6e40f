// Finds a Python that can import torch ($SPLITLORA_TORCH_PYTHON, then tools/fixtures/.venv, then python3) and runs
// the pinned comparison scripts in tools/bench/, which print one JSON object on their last stdout line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type TorchPython = { ok: true; python: string; torch: string } | { ok: false; reason: string };

let found: TorchPython | null = null;

export function findTorchPython(): TorchPython {
  if (found !== null) return found;
  const candidates = [process.env['SPLITLORA_TORCH_PYTHON'], join(REPO_ROOT, 'tools/fixtures/.venv/bin/python'), 'python3']
    .filter((p): p is string => p !== undefined && p.length > 0 && (!p.includes('/') || existsSync(p)));
  const tried: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return (found = { ok: true, python, torch: probe.stdout.trim() });
    tried.push(`${python}: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 100)}`);
  }
  return (found = { ok: false, reason: `torch not importable (tried ${tried.join('; ') || 'no python'})` });
}

/** Runs a script of tools/bench with args; resolves with its last stdout line parsed as JSON. */
export function runPythonJson<T>(python: string, script: string, args: string[], timeoutMs: number, log: (line: string) => void): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [join(REPO_ROOT, 'tools/bench', script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim()) log(`  [torch] ${line}`);
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} ${signal === 'SIGKILL' ? `ran past ${timeoutMs} ms` : `exited with ${code}`}: ${err.trim().split('\n').pop() ?? ''}`));
      try {
        resolvePromise(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} should end with one JSON line, found "${last.slice(0, 120)}"`));
      }
    });
  });
}
