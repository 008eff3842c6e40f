// The resumable state of a pretraining run in its work folder: every parameter (fp32), the AdamW moments of both
// weight-decay groups, and the progress so far (step, wall time, loss curve). Each save goes to a new `step-N`
// folder and only then does `latest.json` (replaced atomically) point at it, so a kill never mixes two saves.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FullParamState, type NamedHostTensors, readSafetensors, writeSafetensors } from '@splitlora/core';

export interface CurvePoint {
  step: number;
  lr: number;
  /** Mean training loss over the steps since the previous point. */
  trainLoss: number;
  /** Held-out loss on the periodic evaluation windows, when evaluated at this step. */
  heldOutLoss?: number;
}

export interface Progress {
  /** Steps completed. */
  step: number;
  /** Wall-clock seconds spent training so far, over every resumed session. */
  seconds: number;
  curve: CurvePoint[];
  /** The settings the run was started with (a resume must use the same). */
  settings: Record<string, unknown>;
}

export interface WorkState {
  params: NamedHostTensors;
  optimizer: FullParamState;
  progress: Progress;
}

function prefixed(table: NamedHostTensors, prefix: string): NamedHostTensors {
  return Object.fromEntries(Object.entries(table).map(([name, t]) => [`${prefix}${name}`, t]));
}

function unprefixed(table: NamedHostTensors, prefix: string): NamedHostTensors {
  return Object.fromEntries(Object.entries(table).filter(([name]) => name.startsWith(prefix)).map(([name, t]) => [name.slice(prefix.length), t]));
}

export async function saveWorkState(dir: string, state: WorkState): Promise<void> {
  const folder = `step-${state.progress.step}`;
  await rm(join(dir, folder), { recursive: true, force: true });
  await mkdir(join(dir, folder), { recursive: true });
  const { decayed, undecayed } = state.optimizer;
  const moments = { ...prefixed(decayed.m, 'decayed.m.'), ...prefixed(decayed.v, 'decayed.v.'), ...prefixed(undecayed.m, 'undecayed.m.'), ...prefixed(undecayed.v, 'undecayed.v.') };
  await writeFile(join(dir, folder, 'params.safetensors'), writeSafetensors(state.params));
  await writeFile(join(dir, folder, 'optimizer.safetensors'), writeSafetensors(moments));
  await writeFile(join(dir, folder, 'progress.json'), JSON.stringify(state.progress));
  await writeFile(join(dir, 'latest.json.tmp'), JSON.stringify({ folder }));
  await rename(join(dir, 'latest.json.tmp'), join(dir, 'latest.json'));
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('step-') && entry !== folder) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

export async function loadWorkState(dir: string): Promise<WorkState | null> {
  if (!existsSync(join(dir, 'latest.json'))) return null;
  const { folder } = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as { folder: string };
  const at = join(dir, folder);
  const progress = JSON.parse(await readFile(join(at, 'progress.json'), 'utf8')) as Progress;
  const params = readSafetensors(new Uint8Array(await readFile(join(at, 'params.safetensors'))));
  const moments = readSafetensors(new Uint8Array(await readFile(join(at, 'optimizer.safetensors'))));
  const optimizer: FullParamState = {
    steps: progress.step,
    decayed: { steps: progress.step, m: unprefixed(moments, 'decayed.m.'), v: unprefixed(moments, 'decayed.v.') },
    undecayed: { steps: progress.step, m: unprefixed(moments, 'undecayed.m.'), v: unprefixed(moments, 'undecayed.v.') },
  };
  return { params, optimizer, progress };
}
