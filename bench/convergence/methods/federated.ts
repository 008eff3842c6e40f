// Federated LoRA (FedAvg) through the code the fedlora method runs: each client is the volunteer's FedLoraTrainer (the
// whole model with LoRA on every block, the run's lr schedule and clipping), trains I local steps from what the run's
// strategy gives it (FedAvg: the global adapter), and the strategy aggregates the adapters (FedAvg: by tokens).
import { FedLoraTrainer } from '@splitlora/client';
import { countAdapterParams, countElements, expectedParamShapes, mixSeed, type NamedHostTensors, namedToTensors, SplitPlan } from '@splitlora/core';
import { inProcessManifest } from '../../lib/manifest.js';
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';

export async function federated(world: World): Promise<Curve> {
  const { settings, config, run } = world;
  // The plan and training settings a volunteer of a fedlora run with these settings would read from its manifest.
  const plan = SplitPlan.create(config, { mode: 'whole' }, world.lora, settings.model);
  const { training } = inProcessManifest(settings.model, config, { ...run, method: 'fedlora' });
  // Client i draws the same batches (examples, seed, padding) as client i of the split methods.
  const clients = world.shards.map((shard, i) => new FedLoraTrainer({ config, params: namedToTensors(world.hostParams) }, plan, training, shard, mixSeed(settings.seed, i)));
  let global: NamedHostTensors = await clients[0]!.adapter.toHost();
  const curve: Curve = {
    method: 'federated LoRA (FedAvg)', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evalLoss(world, global) }],
    clientTrainable: countAdapterParams(plan.clientAdapterLayout()), clientBase: Object.values(expectedParamShapes(config)).reduce((s, shape) => s + countElements(shape), 0),
    serverTrainable: null, notes: 'each client trains the whole model (the fedlora volunteer\'s trainer); FedAvg every I steps',
  };
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      const fitRound = { round, participants: clients.map((_, i) => `client ${i}`), global };
      const fit = world.strategy.configureFit(fitRound);
      const updates = [];
      for (const [i, client] of clients.entries()) {
        client.loadGlobal(fit.startFor(`client ${i}`));
        let mine = 0;
        for (let s = 0; s < settings.localSteps; s++) mine += (await client.localStep(mixSeed(settings.seed, round, i), s, (round - 1) * settings.localSteps + s)).tokens;
        updates.push({ source: `client ${i}`, adapter: await client.adapter.toHost(), weight: mine });
      }
      global = world.strategy.aggregateFit(fitRound, updates).global;
      return updates.reduce((sum, u) => sum + u.weight, 0);
    }, () => evalLoss(world, global));
  } finally {
    clients.forEach((c) => c.dispose());
  }
  return curve;
}
