// Reads and validates a run folder before `--resume` continues it: every file (config, state, both adapters of the
// resume round, the server optimizer, the metrics) is checked for schema, finiteness, magnitude and consistency with
// the others, and a fault is refused with a message naming the file. Metrics are made idempotent here: records past
// the resume point (an interrupted round, a commit cut short) are dropped from the file, a round recorded twice kept once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdamWState, NamedHostTensors, SplitPlan } from '@splitlora/core';
import { FRAME_MAX_ABS, type MetricRecord, runConfigSchema, describeIssues, type RunConfig, trainsBlocks } from '@splitlora/protocol';
import { z } from 'zod';
import { loadBlockCheckpoint } from './block-checkpoint.js';
import { roundDir, type RunStore, type StoredRun, type StoredState } from './run-store.js';

/** A damaged run folder: which file, and what is wrong with it. */
export class CheckpointError extends Error {
  constructor(readonly file: string, readonly fault: string) {
    super(`cannot resume: ${file}: ${fault}`);
    this.name = 'CheckpointError';
  }
}

export interface Checkpoint {
  completedRounds: number;
  clientAdapter: NamedHostTensors;
  serverAdapter: NamedHostTensors;
  optimizer: AdamWState | null;
  metrics: MetricRecord[];
  /** Block-training methods: the cycle's block versions (clientAdapter then holds the blocks themselves). */
  blockVersions?: number[];
}

const storedRunSchema = z.object({ runId: z.string().regex(/^[\w.-]{1,100}$/), createdAt: z.number().finite(), config: z.unknown() });
const storedStateSchema = z.object({ completedRounds: z.number().int().min(0), updatedAt: z.number().finite() });

function readJson(dir: string, name: string): unknown {
  const path = join(dir, name);
  if (!existsSync(path)) throw new CheckpointError(path, 'missing');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CheckpointError(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** config.json: the run's id, creation time and a config the schema accepts. */
export function readStoredRun(dir: string): StoredRun {
  const raw = storedRunSchema.safeParse(readJson(dir, 'config.json'));
  if (!raw.success) throw new CheckpointError(join(dir, 'config.json'), describeIssues(raw.error));
  const config = runConfigSchema.safeParse(raw.data.config);
  if (!config.success) throw new CheckpointError(join(dir, 'config.json'), `config: ${describeIssues(config.error)}`);
  return { runId: raw.data.runId, createdAt: raw.data.createdAt, config: config.data };
}

/** state.json: a whole number of completed rounds within the run's rounds. */
export function readStoredState(dir: string, config: RunConfig): StoredState {
  const state = storedStateSchema.safeParse(readJson(dir, 'state.json'));
  if (!state.success) throw new CheckpointError(join(dir, 'state.json'), describeIssues(state.error));
  if (state.data.completedRounds > config.rounds) {
    throw new CheckpointError(join(dir, 'state.json'), `completedRounds ${state.data.completedRounds} exceeds the run's ${config.rounds} rounds`);
  }
  return state.data;
}

/** Refuses tensors whose names or shapes differ from `layout`, or that hold non-finite or absurd values. */
function checkTensors(file: string, tensors: NamedHostTensors, layout: Record<string, number[]>, what: string): void {
  for (const [name, shape] of Object.entries(layout)) {
    const t = tensors[name];
    if (t === undefined) throw new CheckpointError(file, `${what} lacks ${name}`);
    if (t.shape.join() !== shape.join()) throw new CheckpointError(file, `${what} ${name} has shape [${t.shape.join(', ')}], the run needs [${shape.join(', ')}]`);
    const bad = t.data.findIndex((v) => !Number.isFinite(v) || Math.abs(v) > FRAME_MAX_ABS);
    if (bad >= 0) throw new CheckpointError(file, `${what} ${name} holds ${t.data[bad]} at index ${bad} (values must be finite and within ±${FRAME_MAX_ABS})`);
  }
  const extra = Object.keys(tensors).find((name) => layout[name] === undefined);
  if (extra !== undefined) throw new CheckpointError(file, `${what} holds ${extra}, which is not part of the run's adapter`);
}

/**
 * Loads and checks the checkpoint of the last completed round, and the metrics up to it. `keepsOptimizer` is false
 * where the server adapter was trained elsewhere (a scale-out coordinator's workers keep their optimizers).
 */
export async function loadCheckpoint(store: RunStore, plan: SplitPlan, config: RunConfig, completedRounds: number, keepsOptimizer = true): Promise<Checkpoint> {
  const dir = roundDir(store.dir, completedRounds);
  const adapterFile = (which: string) => join(dir, which, 'adapter_model.safetensors');
  const load = async (which: 'client-adapter' | 'server-adapter', layout: Record<string, number[]>): Promise<NamedHostTensors> => {
    const file = adapterFile(which);
    if (!existsSync(file)) throw new CheckpointError(file, 'missing');
    let tensors: NamedHostTensors;
    try {
      tensors = await store.loadAdapter(completedRounds, which, plan.config);
    } catch (error) {
      throw new CheckpointError(join(dir, which), (error as Error).message);
    }
    checkTensors(file, tensors, layout, which);
    return tensors;
  };
  // A block-training method's client tensors are the cycle's blocks, kept as the round's model (block-checkpoint.ts).
  const blockState = trainsBlocks(config.method) ? await loadBlockCheckpoint(store.dir, plan, config, completedRounds) : null;
  const clientAdapter = blockState?.blocks ?? await load('client-adapter', plan.clientAdapterLayout());
  const serverLayout = plan.serverAdapterLayout();
  const serverAdapter = plan.whole ? {} : await load('server-adapter', serverLayout); // fedlora keeps no server adapter

  const optimizerFile = join(dir, 'server-optimizer.safetensors');
  // SFL-V2 saves its shared optimizer with every completed round; round 0, SFL-V1, fedlora (no server training) and a
  // scaled-out coordinator (its workers hold the optimizers) have none.
  const needsOptimizer = keepsOptimizer && config.sfl === 'v2' && !plan.whole && completedRounds > 0;
  if (needsOptimizer && !existsSync(optimizerFile)) throw new CheckpointError(optimizerFile, 'missing (SFL-V2 keeps the server optimizer with every round)');
  let optimizer: AdamWState | null = null;
  if (existsSync(optimizerFile)) {
    try {
      optimizer = await store.loadOptimizer(completedRounds);
    } catch (error) {
      throw new CheckpointError(optimizerFile, (error as Error).message);
    }
    if (optimizer !== null) {
      if (!Number.isInteger(optimizer.steps) || optimizer.steps < 0) throw new CheckpointError(optimizerFile, `steps must be a whole number ≥ 0, found ${optimizer.steps}`);
      checkTensors(optimizerFile, optimizer.m, serverLayout, 'first moment');
      checkTensors(optimizerFile, optimizer.v, serverLayout, 'second moment');
      const negative = Object.entries(optimizer.v).find(([, t]) => t.data.some((x) => x < 0));
      if (negative !== undefined) throw new CheckpointError(optimizerFile, `second moment ${negative[0]} holds negative values`);
    }
  }
  return {
    completedRounds, clientAdapter, serverAdapter, optimizer, metrics: await settleMetrics(store, completedRounds),
    ...(blockState === null ? {} : { blockVersions: blockState.versions }),
  };
}

/**
 * The metrics up to the resume point, written back so that the file holds each round once: round and step records
 * of later rounds (cut short by the crash, done again after the resume) are dropped, a round recorded twice is kept once.
 */
async function settleMetrics(store: RunStore, completedRounds: number): Promise<MetricRecord[]> {
  const file = join(store.dir, 'metrics.jsonl');
  if (completedRounds > 0 && !existsSync(file)) throw new CheckpointError(file, `missing (it holds the records of rounds 1..${completedRounds})`);
  const seen = new Set<number>();
  const kept: MetricRecord[] = [];
  for (const record of store.readMetrics()) {
    if (record.round > completedRounds) continue;
    if (record.kind === 'round') {
      if (seen.has(record.round)) continue;
      seen.add(record.round);
    }
    kept.push(record);
  }
  for (let round = 1; round <= completedRounds; round++) {
    if (!seen.has(round)) throw new CheckpointError(file, `no record of round ${round}, which state.json counts as completed`);
  }
  await store.rewriteMetrics(kept);
  return kept;
}

