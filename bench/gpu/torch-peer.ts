// The PyTorch CUDA peer: ../shared/gpu/torch_split_step.py (copied next to the bundle by pack.sh) times the same
// server and client steps in fp32 and tf32 on the GPU machine; this runs it and reads its TORCH/TORCHC lines.
import { existsSync } from 'node:fs';
import { runChild } from '../lib/run-child.js';
import type { GpuCase } from './gpu-cases.js';

export interface TorchResult {
  kind: 'torch';
  part: 'server' | 'client';
  precision: 'fp32' | 'tf32';
  model: string;
  batch: number;
  seq: number;
  ms: number;
  tokensPerSecond: number;
}

export interface TorchRun {
  results: TorchResult[];
  /** Why there are no (or not all) results: no script, no python, no CUDA, errors per spec. */
  problems: string[];
}

const specOf = (c: GpuCase) => `${c.model}:${c.batch}x${c.seq}`;

/** Distinct `model:BxT` specs of one part; the script needs a server list, so an empty one borrows the other part's. */
function specs(cases: readonly GpuCase[], part: GpuCase['part']): string {
  const own = [...new Set(cases.filter((c) => c.part === part).map(specOf))];
  return (own.length > 0 ? own : [...new Set(cases.map(specOf))]).join(';');
}

export async function runTorchPeer(script: string, cases: readonly GpuCase[], timeoutMs: number, log: (line: string) => void): Promise<TorchRun> {
  if (!existsSync(script)) return { results: [], problems: [`no PyTorch peer script at ${script}`] };
  const outcome = await runChild('python3', [script, specs(cases, 'server'), specs(cases, 'client')], { timeoutMs, onStderrLine: (line) => log(`[torch] ${line.slice(0, 300)}`) });
  const results: TorchResult[] = [];
  const problems: string[] = [];
  if (outcome.error !== null) problems.push(`python3 did not start (${outcome.error.message})`);
  else if (outcome.code !== 0) problems.push(`${script} ${outcome.timedOut ? `ran past ${timeoutMs / 1000} s` : `exited with ${outcome.code ?? outcome.signal}`}: ${outcome.lastErr.slice(0, 200)}`);
  for (const line of outcome.stdout.split('\n')) {
    const match = /^(TORCH|TORCHC) (.*)$/.exec(line.trim());
    if (match === null) continue;
    for (const r of JSON.parse(match[2]!) as Record<string, unknown>[]) {
      if (typeof r['error'] === 'string') problems.push(`${match[1] === 'TORCH' ? 'server' : 'client'} ${String(r['spec'])}: ${r['error']}`);
      else {
        results.push({
          kind: 'torch', part: r['part'] as TorchResult['part'], precision: String(r['backend']).replace('torch-', '') as TorchResult['precision'],
          model: String(r['model']), batch: Number(r['batch']), seq: Number(r['seq']), ms: Number(r['ms']), tokensPerSecond: Number(r['tps']),
        });
      }
    }
  }
  return { results, problems };
}

/** The peer's ms for a case and precision, if measured. */
export function torchMsFor(run: TorchRun, c: GpuCase, precision: TorchResult['precision']): number | null {
  return run.results.find((r) => r.part === c.part && r.precision === precision && r.model === c.model && r.batch === c.batch && r.seq === c.seq)?.ms ?? null;
}
