// A block-training run's (cybgd, cybgd-split) resume point: the blocks of the cycle as the last completed round left
// them (its Hugging Face checkpoint, rounds/NNNN/model/) and their versions (rounds/NNNN/block-versions.json).
// Volunteers are not saved: after a resume each gets the blocks it lacks as if it held the base weights.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockParamShapes, blockTable, loadHfGpt2, type NamedHostTensors, type SplitPlan } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { type RunConfig, trainsLocally } from '@splitlora/protocol';
import { z } from 'zod';
import { CheckpointError } from './run-checkpoint.js';
import { roundDir } from './run-store.js';

export const BLOCK_VERSIONS_FILE = 'block-versions.json';

/** The number of blocks a method's cycle runs over. */
export function cycleBlocks(config: Pick<RunConfig, 'method' | 'cut'>, plan: SplitPlan): number {
  return trainsLocally(config.method) ? plan.config.n_layer : config.cut;
}

export async function saveBlockVersions(runDir: string, round: number, versions: readonly number[]): Promise<void> {
  await writeFile(join(roundDir(runDir, round), BLOCK_VERSIONS_FILE), JSON.stringify({ versions }));
}

/** The cycle's blocks and their versions after `completedRounds`, checked; round 0 has the base blocks at version 0. */
export async function loadBlockCheckpoint(
  runDir: string, plan: SplitPlan, config: Pick<RunConfig, 'method' | 'cut'>, completedRounds: number,
): Promise<{ blocks: NamedHostTensors; versions: number[] }> {
  const dir = roundDir(runDir, completedRounds);
  const blocks = cycleBlocks(config, plan);
  const modelFile = join(dir, 'model', 'model.safetensors');
  if (!existsSync(modelFile)) throw new CheckpointError(modelFile, 'missing (a block-training round keeps its model)');
  let params: NamedHostTensors;
  try {
    params = (await loadHfGpt2(dirSource(join(dir, 'model')))).params;
  } catch (error) {
    throw new CheckpointError(join(dir, 'model'), (error as Error).message);
  }
  for (let b = 0; b < blocks; b++) {
    for (const [name, shape] of Object.entries(blockParamShapes(plan.config, b))) {
      const t = params[name];
      if (t === undefined || t.shape.join() !== shape.join()) throw new CheckpointError(modelFile, `${name} is missing or has another shape than [${shape.join(', ')}]`);
      const bad = t.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new CheckpointError(modelFile, `${name} holds ${t.data[bad]} at index ${bad}`);
    }
  }
  return { blocks: blockTable(plan.config, params, blocks), versions: readVersions(join(dir, BLOCK_VERSIONS_FILE), blocks, completedRounds) };
}

function readVersions(file: string, blocks: number, completedRounds: number): number[] {
  if (!existsSync(file)) {
    if (completedRounds === 0) return new Array<number>(blocks).fill(0);
    throw new CheckpointError(file, 'missing (a block-training round keeps its block versions)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(file, `not JSON: ${(error as Error).message}`);
  }
  const result = z.strictObject({ versions: z.array(z.number().int().min(0).max(completedRounds)).length(blocks) }).safeParse(parsed);
  if (!result.success) throw new CheckpointError(file, `expected {"versions": [${blocks} whole numbers from 0 to ${completedRounds}]}`);
  return result.data.versions;
}
