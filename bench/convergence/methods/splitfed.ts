// SplitLoRA (SFL): every client trains I steps from what the run's strategy gives it (FedAvg: the global client
// adapter) through the server split, then the strategy aggregates the client adapters (FedAvg: by tokens).
// V1: one server adapter copy per client, aggregated each round. V2: one shared server adapter; each step fuses all
// clients' batches into one server step.
import type { PendingStep } from '@splitlora/client';
import type { NamedHostTensors } from '@splitlora/core';
import { encodeFloatFrame, type TensorFrame } from '@splitlora/protocol';
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';
import { frameBytes, Traffic } from '../traffic.js';
import { createServerSplit } from './server-side.js';
import { SplitClient, splitParamCounts, splitStep } from './split-client.js';

function frames(host: NamedHostTensors): TensorFrame[] {
  return Object.entries(host).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
}

export async function splitFed(world: World, sfl: 'v1' | 'v2'): Promise<Curve> {
  const { settings } = world;
  const clients = world.shards.map((shard, i) => new SplitClient(world, i, shard));
  const server = createServerSplit(world, sfl);
  let global = await clients[0]!.trainer.adapter.toHost();
  const traffic = new Traffic(clients.length);
  const evaluate = async () => evalLoss(world, { ...global, ...(await server.serverAdapter()) });
  const curve: Curve = {
    method: `SplitLoRA SFL-${sfl.toUpperCase()}`, points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evaluate() }], ...splitParamCounts(world),
    notes: sfl === 'v1' ? 'server adapter copy per client, both sides averaged every I steps' : 'shared server adapter; the clients\' batches fused into one server step',
  };
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      const fitRound = { round, participants: clients.map((c) => c.id), global };
      const fit = world.strategy.configureFit(fitRound);
      clients.forEach((c) => {
        const start = frames(fit.startFor(c.id));
        traffic.roundDown(frameBytes(...start));
        c.load(start);
      });
      const mine = clients.map(() => 0);
      for (let s = 0; s < settings.localSteps; s++) {
        const globalStep = (round - 1) * settings.localSteps + s;
        if (sfl === 'v1') {
          for (const [i, client] of clients.entries()) mine[i]! += await splitStep(client, server, round, s, globalStep, traffic);
        } else {
          const pending: PendingStep[] = [];
          for (const c of clients) pending.push(await c.forward(round, s));
          const outs = await server.step(clients.map((c, i) => c.stepInput(pending[i]!, globalStep)));
          for (const [i, client] of clients.entries()) {
            traffic.step(pending[i]!, outs[i]!.gradient.length * client.wireBytes);
            await client.backward(pending[i]!, outs[i]!.gradient, globalStep);
            mine[i]! += pending[i]!.batch.tokens;
          }
        }
      }
      for (const c of clients) traffic.roundUp(frameBytes(...(await c.trainer.updateFrames())));
      const updates = await Promise.all(clients.map(async (c, i) => ({ source: c.id, adapter: await c.trainer.adapter.toHost(), weight: mine[i]! })));
      global = world.strategy.aggregateFit(fitRound, updates).global;
      await server.closeRound(clients.map((c) => c.id), round);
      return mine.reduce((a, b) => a + b, 0);
    }, evaluate);
  } finally {
    clients.forEach((c) => c.dispose());
    server.dispose();
  }
  curve.traffic = traffic.figures(settings.rounds);
  return curve;
}
