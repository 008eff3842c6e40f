// Sequential split learning (vanilla SL) through the code a run with method sl runs: the server's round machine in
// its sequential mode orders the turns and checks every step, the server's strategy for sl (strategyFor) hands each
// client adapter on to the next turn and makes the last one the round's, and every step goes through the one shared
// server split (SFL-V2) — the sockets replaced by function calls.
import type { NamedHostTensors, WeightedUpdate } from '@splitlora/core';
import { strategyFor } from '@splitlora/core';
import { encodeFloatFrame, type TensorFrame } from '@splitlora/protocol';
import { type MachineAction, RoundMachine } from '@splitlora/server';
import { type Curve, trainRounds } from '../curve.js';
import { evalLoss, type World } from '../setup.js';
import { createServerSplit } from './server-side.js';
import { SplitClient, splitParamCounts, splitStep } from './split-client.js';

function frames(host: NamedHostTensors): TensorFrame[] {
  return Object.entries(host).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
}

function take<T extends MachineAction['type']>(actions: readonly MachineAction[], type: T): Extract<MachineAction, { type: T }> | undefined {
  return actions.find((a): a is Extract<MachineAction, { type: T }> => a.type === type);
}

export async function sequentialSplit(world: World): Promise<Curve> {
  const { settings } = world;
  const clients = world.shards.map((shard, i) => new SplitClient(world, i, shard));
  const byId = new Map(clients.map((c) => [c.id, c]));
  const server = createServerSplit(world, 'v2');
  const strategy = strategyFor({ ...world.run, method: 'sl', sfl: 'v2' });
  // No clock: nobody leaves and no turn times out in one process.
  const machine = new RoundMachine({
    rounds: settings.rounds, localSteps: settings.localSteps, minClients: clients.length, maxClients: clients.length,
    roundTimeoutMs: Number.MAX_SAFE_INTEGER, graceMs: Number.MAX_SAFE_INTEGER, sequential: true,
  });
  let global = await clients[0]!.trainer.adapter.toHost();
  const evaluate = async () => evalLoss(world, { ...global, ...(await server.serverAdapter()) });
  const curve: Curve = {
    method: 'sequential split (SL)', points: [{ round: 0, tokens: 0, seconds: 0, evalLoss: await evaluate() }], ...splitParamCounts(world),
    notes: 'one client at a time (the server\'s turn order); the client adapter is handed on every I steps; one server adapter',
  };
  let pending = [...machine.start(0), ...clients.flatMap((c) => machine.clientReady(c.id, 0))];
  try {
    await trainRounds(curve, settings.rounds, async (round) => {
      const open = take(pending, 'openRound');
      if (open?.round !== round) throw new Error(`the round machine did not open round ${round}`);
      const fitRound = { round, participants: open.participants, global };
      const fit = strategy.configureFit(fitRound);
      const updates: WeightedUpdate[] = [];
      let turn = take(pending, 'startTurn');
      let closing: Extract<MachineAction, { type: 'aggregate' }> | undefined;
      while (turn !== undefined) {
        const client = byId.get(turn.id)!;
        client.load(frames(fit.startFor(client.id)));
        let tokens = 0;
        for (let s = 0; s < settings.localSteps; s++) {
          const verdict = machine.checkStep(client.id, round, s);
          if (!verdict.ok) throw new Error(`${client.id} step ${s}: ${verdict.message}`);
          tokens += await splitStep(client, server, round, s, (round - 1) * settings.localSteps + s);
          machine.stepDone(client.id);
        }
        const adapter = await client.trainer.adapter.toHost();
        strategy.handOn!(client.id, adapter);
        updates.push({ source: client.id, adapter, weight: tokens });
        const next = machine.reported(client.id, tokens, 0);
        turn = take(next, 'startTurn');
        closing = take(next, 'aggregate');
      }
      if (closing === undefined) throw new Error(`round ${round} did not close after its turns`);
      global = strategy.aggregateFit(fitRound, updates).global;
      await server.closeRound(closing.reporters, round);
      pending = machine.aggregated(0);
      return updates.reduce((sum, u) => sum + u.weight, 0);
    }, evaluate);
  } finally {
    clients.forEach((c) => c.dispose());
    server.dispose();
  }
  return curve;
}
