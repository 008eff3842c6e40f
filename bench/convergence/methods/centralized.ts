// Centralized LoRA: one learner over all the clients' data together (the upper reference). It takes the very
// batches the clients take in the other methods, interleaved, so every method trains on the same tokens.
import { adapterLayout, countAdapterParams, mixSeed } from '@splitlora/core';
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';
import { FullLearner, shardStream } from './full-learner.js';

export async function centralized(world: World): Promise<Curve> {
  const { settings, config } = world;
  const learner = new FullLearner(world);
  const streams = world.shards.map((shard, i) => shardStream(world, shard, i));
  const curve: Curve = {
    method: 'centralized LoRA', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evalLoss(world, await learner.adapter.toHost()) }],
    clientTrainable: null, clientBase: null, serverTrainable: countAdapterParams(adapterLayout(config, world.lora, 0, config.n_layer)),
    notes: 'one learner, all data (the clients\' batches interleaved)',
  };
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      let tokens = 0;
      for (let s = 0; s < settings.localSteps; s++) {
        for (const [i, stream] of streams.entries()) tokens += await learner.step(stream.next(), mixSeed(settings.seed, round, i, s));
      }
      return tokens;
    }, async () => evalLoss(world, await learner.adapter.toHost()));
  } finally {
    learner.dispose();
  }
  return curve;
}
