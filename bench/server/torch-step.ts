// The PyTorch side of the server benchmark: the same server step (transformers + PEFT) via
// tools/bench/torch_server_step.py on this machine's CPU threads.
import { cpus } from 'node:os';
import { findTorchPython, runPythonJson } from '../lib/python.js';
import type { TimeBoxOptions } from '../lib/timing.js';
import type { ServerStepCase } from './server-step.js';

export interface TorchStepResult {
  tokensPerSecond: number;
  stepMs: number[];
  threads: number;
  torch: string;
  trainableServerParams: number;
}

export async function measureTorchServerStep(c: ServerStepCase, box: TimeBoxOptions, log: (line: string) => void): Promise<TorchStepResult> {
  const found = findTorchPython();
  if (!found.ok) throw new Error(found.reason);
  const args = [
    '--model', c.model, '--cut', String(c.cut), '--batch', String(c.batch), '--seq', String(c.seq), '--warmup', String(box.warmup),
    '--min-steps', String(box.minSteps), '--max-steps', String(box.maxSteps), '--budget-s', String(box.budgetMs / 1000),
    '--threads', String(cpus().length),
  ];
  return runPythonJson<TorchStepResult>(found.python, 'torch_server_step.py', args, 10 * 60_000, log);
}
