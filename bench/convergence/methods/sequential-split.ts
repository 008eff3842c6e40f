// Sequential split learning (vanilla SL): one client at a time trains I steps through the shared server split,
// then hands its client adapter on to the next client.
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';
import { createServerSplit } from './server-side.js';
import { SplitClient, splitParamCounts, splitStep } from './split-client.js';

export async function sequentialSplit(world: World): Promise<Curve> {
  const { settings } = world;
  const clients = world.shards.map((shard, i) => new SplitClient(world, i, shard));
  const server = createServerSplit(world, 'v2');
  let handed = await clients[0]!.trainer.adapterFrames();
  let current = await clients[0]!.trainer.adapter.toHost();
  const evaluate = async () => evalLoss(world, { ...current, ...(await server.serverAdapter()) });
  const curve: Curve = {
    method: 'sequential split (SL)', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evaluate() }], ...splitParamCounts(world),
    notes: 'one client at a time; the client adapter is passed on every I steps; one server adapter',
  };
  let globalStep = 0;
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      let tokens = 0;
      for (const client of clients) {
        client.load(handed);
        for (let s = 0; s < settings.localSteps; s++) tokens += await splitStep(client, server, round, s, globalStep++);
        handed = await client.trainer.adapterFrames();
        current = await client.trainer.adapter.toHost();
      }
      return tokens;
    }, evaluate);
  } finally {
    clients.forEach((c) => c.dispose());
    server.dispose();
  }
  return curve;
}
