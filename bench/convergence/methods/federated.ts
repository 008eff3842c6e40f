// Federated LoRA (FedAvg): every client holds the whole model with LoRA, trains I local steps from what the run's
// strategy gives it (FedAvg: the global adapter), and the strategy aggregates the adapters (FedAvg: by tokens).
import { adapterLayout, countAdapterParams, countElements, expectedParamShapes, mixSeed, type NamedHostTensors } from '@splitlora/core';
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';
import { FullLearner, shardStream } from './full-learner.js';

export async function federated(world: World): Promise<Curve> {
  const { settings, config } = world;
  const learners = world.shards.map(() => new FullLearner(world));
  const streams = world.shards.map((shard, i) => shardStream(world, shard, i));
  let global: NamedHostTensors = await learners[0]!.adapter.toHost();
  const trainable = countAdapterParams(adapterLayout(config, world.lora, 0, config.n_layer));
  const curve: Curve = {
    method: 'federated LoRA (FedAvg)', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evalLoss(world, global) }],
    clientTrainable: trainable, clientBase: Object.values(expectedParamShapes(config)).reduce((s, shape) => s + countElements(shape), 0), serverTrainable: null,
    notes: 'each client trains the whole model; FedAvg every I steps',
  };
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      const fitRound = { round, participants: learners.map((_, i) => `client ${i}`), global };
      const fit = world.strategy.configureFit(fitRound);
      const updates = [];
      for (const [i, learner] of learners.entries()) {
        learner.load(fit.startFor(`client ${i}`));
        let mine = 0;
        for (let s = 0; s < settings.localSteps; s++) mine += await learner.step(streams[i]!.next(), mixSeed(settings.seed, round, i, s));
        updates.push({ source: `client ${i}`, adapter: await learner.adapter.toHost(), weight: mine });
      }
      global = world.strategy.aggregateFit(fitRound, updates).global;
      return updates.reduce((sum, u) => sum + u.weight, 0);
    }, () => evalLoss(world, global));
  } finally {
    learners.forEach((l) => l.dispose());
  }
  return curve;
}
