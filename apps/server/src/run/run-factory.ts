// Builds runs: a new one (model, folder, initial adapters) or one resumed from its folder after a crash. The split
// plan (model config, cut, LoRA) is checked here, once, and the aggregation strategy chosen; config problems the
// core finds become BAD_REQUEST answers with the core's message.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  blockTable, CoreError, type Example, examplesFromFile, expectedParamShapes, Gpt2Tokenizer, type NamedHostTensors, SplitPlan, strategyFor,
  writeSafetensors,
} from '@splitlora/core';
import { readTokenizerFiles } from '@splitlora/node';
import { describeModel, MESSAGE_OVERHEAD_BYTES, type MetricRecord, ProtocolError, type RunConfig, type TrainingMethod, trainsBlocks, trainsLocally } from '@splitlora/protocol';
import { saveBaseModel } from './base-model-ref.js';
import { loadModel, type LoadedModel } from './model-source.js';
import type { RunDeps } from './run-deps.js';
import { loadCheckpoint, readStoredRun, readStoredState } from './run-checkpoint.js';
import { runInvite } from './run-invite.js';
import { RunStore } from './run-store.js';
import { Run } from './run.js';
import { ServerSplit, type ServerSplitState } from './server-split.js';

/** A run's model with its split plan, both checked against the run config. */
export interface PreparedModel {
  model: LoadedModel;
  plan: SplitPlan;
}

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

function badConfig(error: unknown): never {
  if (error instanceof CoreError) throw new ProtocolError('BAD_REQUEST', error.message);
  throw error;
}

/** A new run: its folder with the initial adapters (round 0), then the run itself. */
export async function createRun(config: RunConfig, deps: RunDeps): Promise<Run> {
  const now = (deps.now ?? Date.now)();
  const prepared = await prepareModel(config, deps);
  const { plan } = prepared;
  const runId = newRunId(now);
  const store = await RunStore.create(join(deps.runsDir, runId), { runId, createdAt: now, config });
  await saveBaseModel(store.dir, prepared.model, deps.modelsDir);
  const clientAdapter = initialClientTensors(config, prepared);
  const serverAdapter = plan.initServerAdapter(config.seed);
  await store.saveRoundFiles(0, plan, clientAdapter, serverAdapter, null, prepared.model.params);
  await store.markCompleted(0);
  const run = await assemble(config, now, prepared, store, deps, runId, 0, [], clientAdapter, { serverAdapter, optimizer: null });
  deps.logger.child(runId).info(`created ${config.method} ${config.sfl.toUpperCase()} run "${config.name}" on ${describeModel(plan.modelName)}, cut ${plan.cut}${plan.uShaped ? ', u-shaped (the tabs keep the head)' : ''}`, { dir: store.dir });
  return run;
}

/** A run continued from its folder after a crash, from the last completed round. */
export async function resumeRun(dir: string, deps: RunDeps): Promise<Run> {
  const store = new RunStore(resolve(dir));
  if (!RunStore.exists(store.dir)) throw new Error(`${dir} is not a run folder (config.json and state.json expected)`);
  const stored = readStoredRun(store.dir);
  const { completedRounds } = readStoredState(store.dir, stored.config);
  const prepared = await prepareModel(stored.config, deps);
  // A custom server-adapter policy (a scale-out coordinator's) trains on its workers, whose optimizers are not saved.
  const keepsOptimizer = deps.serverAdapterPolicy === undefined;
  const { clientAdapter, serverAdapter, optimizer, metrics, blockVersions } = await loadCheckpoint(store, prepared.plan, stored.config, completedRounds, keepsOptimizer);
  const run = await assemble(
    stored.config, stored.createdAt, prepared, store, deps, stored.runId, completedRounds, metrics, clientAdapter, { serverAdapter, optimizer }, blockVersions,
  );
  deps.logger.child(stored.runId).info(`resumed after round ${completedRounds} of ${stored.config.rounds}`, { dir: store.dir });
  return run;
}

/** Round 0's global client tensors: the LoRA adapter of the client split, or the base weights of the blocks a cycle trains. */
function initialClientTensors(config: RunConfig, { model, plan }: PreparedModel): NamedHostTensors {
  if (!trainsBlocks(config.method)) return plan.initClientAdapter(config.seed);
  return blockTable(plan.config, model.params, trainsLocally(config.method) ? plan.config.n_layer : plan.cut);
}

export async function prepareModel(config: RunConfig, deps: Pick<RunDeps, 'modelsDir' | 'maxMessageBytes'>): Promise<PreparedModel> {
  let model: LoadedModel;
  let plan: SplitPlan;
  try {
    model = await loadModel(config.model, config.seed, deps.modelsDir);
    // fedlora: the volunteer holds the whole model with LoRA on every block; the server holds no block to train.
    const layout = config.method === 'fedlora' ? { mode: 'whole' as const }
      : config.layout === 'u-shaped' ? { mode: 'u-shaped' as const, cut: config.cut, tailCut: model.config.n_layer } : config.cut;
    plan = SplitPlan.create(model.config, layout, config.lora, model.name);
  } catch (error) {
    return badConfig(error);
  }
  const wireBytes = config.wireDtype === 'float16' ? 2 : 4;
  if (plan.whole) return { model, plan }; // no activations travel
  const frameBytes = config.batchSize * config.maxSeqLen * model.config.n_embd * wireBytes;
  if (frameBytes + MESSAGE_OVERHEAD_BYTES > deps.maxMessageBytes) {
    throw new ProtocolError('BAD_REQUEST', `activations of up to ${frameBytes} bytes (batch ${config.batchSize} × ${config.maxSeqLen} × ${model.config.n_embd} × ${wireBytes}) exceed the server's message limit of ${deps.maxMessageBytes} bytes; lower batchSize or maxSeqLen, use fp16, or start the server with a larger --max-message-mb`);
  }
  return { model, plan };
}

async function assemble(
  config: RunConfig, createdAt: number, { model, plan }: PreparedModel, store: RunStore, deps: RunDeps, runId: string, completedRounds: number,
  metrics: MetricRecord[], clientAdapter: NamedHostTensors, server: ServerSplitState, blockVersions?: number[],
): Promise<Run> {
  const { tokenizer, weightsBlob, tokenizerBlob } = await clientAssets({ model, plan }, deps, config.method);
  const evalExamples = await loadEval(config, tokenizer, deps);
  const strategy = strategyFor(config, {
    roundsDone: completedRounds, model: { config: plan.config, params: model.params },
    // A resumed block-training run: the blocks it left (the global client tensors) at their saved versions.
    ...(blockVersions === undefined ? {} : { blocks: { versions: blockVersions, tensors: clientAdapter } }),
  });
  const split = new ServerSplit(plan, model.params, config, server, deps.serverAdapterPolicy);
  const invite = await runInvite(store.dir, config.inviteOnly);
  return new Run({
    runId, createdAt, config, plan, strategy, model, tokenizer, split, store, evalExamples, completedRounds, metrics, clientAdapter, weightsBlob, tokenizerBlob, invite,
  }, deps);
}

/** What volunteers download (the client split's base weights, the tokenizer files), and the tokenizer itself. */
export async function clientAssets({ model, plan }: PreparedModel, deps: Pick<RunDeps, 'dataDir'>, method: TrainingMethod = 'splitlora'): Promise<{ tokenizer: Gpt2Tokenizer; weightsBlob: Uint8Array; tokenizerBlob: Uint8Array }> {
  const tokenizerDir = model.tokenizerDir ?? (deps.dataDir === null ? null : join(deps.dataDir, 'gpt2-tokenizer'));
  if (tokenizerDir === null) throw new ProtocolError('UNAVAILABLE', 'no tokenizer: the server has no data folder with gpt2-tokenizer/ (set SPLITLORA_DATA_DIR)');
  const files = await readTokenizerFiles(tokenizerDir);
  const tokenizer = Gpt2Tokenizer.fromFiles(files.vocabJson, files.mergesTxt);
  // What a volunteer holds: its split (u-shaped: with the head), or the whole model when it trains without the server.
  const clientNames = Object.keys(trainsLocally(method) ? expectedParamShapes(plan.config) : plan.clientParamShapes());
  const weightsBlob = writeSafetensors(Object.fromEntries(clientNames.map((n) => [n, model.params[n]!])), 'F32');
  return { tokenizer, weightsBlob, tokenizerBlob: new TextEncoder().encode(JSON.stringify(files)) };
}

async function loadEval(config: RunConfig, tokenizer: Gpt2Tokenizer, deps: RunDeps): Promise<Example[]> {
  if (config.evalData === null) return [];
  if (deps.dataDir === null) throw new ProtocolError('UNAVAILABLE', 'evalData needs the server data folder (SPLITLORA_DATA_DIR)');
  const path = resolve(deps.dataDir, config.evalData);
  if (relative(deps.dataDir, path).startsWith('..')) throw new ProtocolError('BAD_REQUEST', `evalData must be inside the data folder, found ${config.evalData}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ProtocolError('NOT_FOUND', `evalData file ${config.evalData} not found in the data folder`);
  }
  try {
    return examplesFromFile(tokenizer, path, text, { maxSeqLen: config.maxSeqLen }).slice(0, config.evalSamples);
  } catch (error) {
    return badConfig(error);
  }
}
