// The shared world of the convergence comparison: one model config and random base weights, one seed, the E2E dev
// set dealt IID over N clients, a fixed slice of the E2E test set for evaluation, the run settings, and the split
// plan and aggregation strategy the server would choose for such a run (strategyFor: the same objects).
import {
  type AggregationStrategy, type BaseModel, clientPart, collate, disposeNamed, type Example, expectedParamShapes, fullLoss, gpt2Config,
  type Gpt2Config, type Gpt2PresetName, initGpt2Params, type LoraConfig, type NamedHostTensors, type NamedTensors, namedToTensors,
  PAPER_LORA, shardIid, SplitPlan, strategyFor, transposedConv1dHelps, withTransposedConv1d, withTransposedHead,
} from '@splitlora/core';
import { type RunConfig, runConfigSchema } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { e2eExamples } from '../lib/data.js';

export interface Settings {
  model: Gpt2PresetName;
  cut: number;
  clients: number;
  rounds: number;
  /** Local steps between two averages (I); also the evaluation interval in steps per client. */
  localSteps: number;
  batch: number;
  maxSeqLen: number;
  lr: number;
  evalSamples: number;
  seed: number;
}

export interface World {
  settings: Settings;
  config: Gpt2Config;
  lora: LoraConfig;
  /** Host weights (ServerSplit and the client trainers build their own tensors from them). */
  hostParams: NamedHostTensors;
  /** The whole model as tensors, for the full-model learners and evaluation. */
  fullModel: BaseModel;
  shards: Example[][];
  allTrain: Example[];
  evalExamples: Example[];
  run: RunConfig;
  /** Model config, cut and LoRA, checked once. */
  plan: SplitPlan;
  /** How every method aggregates: the strategy the server picks for this run config. */
  strategy: AggregationStrategy;
  dispose(): void;
}

export async function createWorld(settings: Settings): Promise<World> {
  const config = gpt2Config(settings.model);
  const lora = PAPER_LORA;
  const hostParams = initGpt2Params(config, settings.seed);
  // The full-model learners get the same wasm speed-up as the server and the volunteers (transposed block weights).
  const head = withTransposedHead(namedToTensors(hostParams));
  const fullModel = { config, params: transposedConv1dHelps() ? withTransposedConv1d(head) : head };
  const train = await e2eExamples('devset.csv', settings.maxSeqLen);
  const evalExamples = (await e2eExamples('testset_w_refs.csv', settings.maxSeqLen)).slice(0, settings.evalSamples);
  const shards = shardIid(train, settings.clients, settings.seed);
  const run = runConfigSchema.parse({
    name: 'convergence', model: settings.model, cut: settings.cut, seed: settings.seed, lr: settings.lr, schedule: 'constant', batchSize: settings.batch,
    maxSeqLen: settings.maxSeqLen, padMultiple: 8, localSteps: settings.localSteps, rounds: settings.rounds, wireDtype: 'float16',
    minClients: settings.clients, maxClients: settings.clients,
  });
  return {
    settings, config, lora, hostParams, fullModel, shards, allTrain: shards.flat(), evalExamples, run,
    plan: SplitPlan.create(config, settings.cut, lora, settings.model), strategy: strategyFor(run),
    dispose: () => disposeNamed(fullModel.params),
  };
}

/** A fresh tensor copy of the client split's base weights (a LocalTrainer owns and disposes its model). */
export function clientModel(world: World): BaseModel {
  const names = Object.keys(expectedParamShapes(world.config, clientPart(world.settings.cut)));
  return { config: world.config, params: namedToTensors(Object.fromEntries(names.map((n) => [n, world.hostParams[n]!]))) };
}

/** Mean loss per counted token of the full model with `adapter` (all layers) on the fixed evaluation slice. */
export async function evalLoss(world: World, adapter: NamedHostTensors): Promise<number> {
  const tensors: NamedTensors = namedToTensors(adapter);
  let lossSum = 0;
  let tokens = 0;
  try {
    for (let i = 0; i < world.evalExamples.length; i += 16) {
      const batch = collate(world.evalExamples.slice(i, i + 16), { batchSize: 16, maxSeqLen: world.settings.maxSeqLen, padMultiple: 8, padTokenId: world.config.eos_token_id });
      if (batch.tokens === 0) continue;
      const loss = tf.tidy(() => fullLoss(world.fullModel, { config: world.lora, tensors }, tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32'),
        tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.lossMask), batch.tokens));
      lossSum += (await loss.data())[0]! * batch.tokens;
      tokens += batch.tokens;
      loss.dispose();
    }
  } finally {
    disposeNamed(tensors);
  }
  return lossSum / Math.max(1, tokens);
}
