// FedCyBGD (`cybgd`: the whole model in each client; `cybgd-split`: the cycle over the client split's blocks, the
// server's shared SFL-V2 LoRA) through the code a real run uses: the volunteers' block trainers, the server's
// CycleBlockStrategy (strategyFor) and block-task frames, its ServerSplit for the steps and the evaluation.
import { LocalBlockTrainer, type PendingStep, SplitBlockTrainer } from '@splitlora/client';
import { blockTable, countElements, expectedParamShapes, mixSeed, type NamedHostTensors, namedToTensors, packedBlockSize, strategyFor } from '@splitlora/core';
import { type BlockTask, decodeFloatFrame, encodeFloatFrame, packFrames, type RoundStart, type RunConfig } from '@splitlora/protocol';
import { blockTaskMessage } from '@splitlora/server';
import { type Curve, trainRounds } from '../curve.js';
import { clientModel, type World } from '../setup.js';
import { frameBytes, Traffic } from '../traffic.js';
import { inProcessPlan } from '../../lib/manifest.js';
import { createServerSplit } from './server-side.js';
import { splitParamCounts, stepInputOf } from './split-client.js';

export type CycleMethod = 'cybgd' | 'cybgd-split';

function roundStart(run: RunConfig, round: number, blockTask: BlockTask): RoundStart {
  return {
    runId: 'bench', round, rounds: run.rounds, localSteps: run.localSteps, firstStep: 0, globalStepBase: (round - 1) * run.localSteps,
    adapter: packFrames([]), seed: mixSeed(run.seed, round), blockTask,
  };
}

export async function cycleBlock(world: World, method: CycleMethod): Promise<Curve> {
  const { settings, config } = world;
  const run: RunConfig = { ...world.run, method };
  const { manifest, plan } = inProcessPlan(settings.model, config, run);
  const local = method === 'cybgd';
  const strategy = strategyFor(run, { model: { config, params: world.hostParams } });
  const ids = world.shards.map((_, i) => `client-${i}`);
  const trainers = world.shards.map((shard, i) => (local
    ? new LocalBlockTrainer({ config, params: namedToTensors(world.hostParams) }, manifest.training, run.cycle.uploadDtype, shard, mixSeed(settings.seed, i))
    : new SplitBlockTrainer(clientModel(world), plan, manifest.training, run.cycle.uploadDtype, shard, mixSeed(settings.seed, i))));
  const server = createServerSplit(world, 'v2'); // the steps of cybgd-split; the evaluation of both (the server's own evalLoss)
  let global: NamedHostTensors = blockTable(config, world.hostParams, local ? config.n_layer : settings.cut);
  const traffic = new Traffic(ids.length);
  const evaluate = () => server.evalLoss(global, world.evalExamples);
  const heldBase = local ? Object.values(expectedParamShapes(config)).reduce((s, shape) => s + countElements(shape), 0) : splitParamCounts(world).clientBase;
  const curve: Curve = {
    method: local ? 'FedCyBGD (whole model)' : 'FedCyBGD split (SFL-V2 server)', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evaluate() }],
    clientTrainable: packedBlockSize(config, 0), clientBase: heldBase, serverTrainable: local ? null : splitParamCounts(world).serverTrainable,
    notes: `one block per client and round, full parameters, schedule ${run.cycle.schedule}, upload ${run.cycle.uploadDtype}, downloads ${run.cycle.downloadFraction} of the lacking blocks`,
  };
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      const fitRound = { round, participants: ids, global };
      const fit = strategy.configureFit(fitRound);
      trainers.forEach((t, i) => {
        const task = blockTaskMessage(config, fit.blockTaskFor!(ids[i]!));
        traffic.roundDown(frameBytes(task.deltas, task.wholes));
        t.startRound(roundStart(run, round, task));
      });
      const tokens = ids.map(() => 0);
      for (let s = 0; s < settings.localSteps; s++) {
        const globalStep = (round - 1) * settings.localSteps + s;
        if (local) {
          for (const [i, t] of trainers.entries()) tokens[i]! += (await (t as LocalBlockTrainer).localStep(0, s, globalStep)).tokens;
          continue;
        }
        const split = trainers as SplitBlockTrainer[];
        const pending: PendingStep[] = [];
        for (const t of split) pending.push(await t.forward(0, s));
        const outs = await server.step(pending.map((p, i) => stepInputOf(ids[i]!, p, globalStep)));
        for (const [i, t] of split.entries()) {
          const gradient = encodeFloatFrame('gradient', [...pending[i]!.activations.shape], outs[i]!.gradient, run.wireDtype);
          traffic.step(pending[i]!, frameBytes(gradient));
          await t.backward(pending[i]!, gradient, globalStep);
          tokens[i]! += pending[i]!.batch.tokens;
        }
      }
      const updates = [];
      for (const [i, t] of trainers.entries()) {
        const frames = await t.updateFrames();
        traffic.roundUp(frameBytes(...frames));
        strategy.holdings?.(ids[i]!, t.blockVersions()!);
        updates.push({ source: ids[i]!, weight: tokens[i]!, adapter: Object.fromEntries(frames.map((f) => [f.name, { shape: f.shape, data: decodeFloatFrame(f) }])) });
      }
      global = strategy.aggregateFit(fitRound, updates).global;
      await server.closeRound(ids, round);
      return tokens.reduce((a, b) => a + b, 0);
    }, evaluate);
  } finally {
    trainers.forEach((t) => t.dispose());
    server.dispose();
  }
  curve.traffic = traffic.figures(settings.rounds);
  return curve;
}
