// Sequential split learning (method sl) on the real server with three Node volunteers, two rounds: the volunteers
// take turns — the server's step records show each volunteer's steps in one unbroken run, never interleaved —, each
// turn starts from exactly the adapter the previous turn uploaded (compared byte for byte, across rounds too), a step
// from a volunteer whose turn it is not is refused with NOT_YOUR_TURN, waiting volunteers are told their place in
// line, and the eval loss drops.
import { decodeFloatFrame, type FrameBundle, isProtocolError, request, type RoundRecord, type RoundStart, type StepRecord, unpackFrames } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

/** An adapter's tensors as float32 bytes, by name (what the tab trains from, whatever the wire dtype). */
function adapterBytes(bundle: FrameBundle): Map<string, Buffer> {
  return new Map(unpackFrames(bundle).map((f) => [f.name, Buffer.from(decodeFloatFrame(f).buffer)]));
}

describe('sl with three volunteers', () => {
  const ctx = useServerWithAdmin();

  it('takes turns for two rounds, hands each adapter on unchanged, refuses out-of-turn steps, and the eval loss drops', async () => {
    const server = ctx.server();
    const admin = ctx.admin();
    const shards = await e2eShards(3);
    /** Round starts received and updates sent, in the order they happened. */
    const exchanges: { name: string; kind: 'start' | 'update'; round: number; bytes: Map<string, Buffer> }[] = [];
    const outOfTurn: Promise<unknown>[] = [];
    let sentOutOfTurn = false;
    const volunteers = shards.map((shard, i) => {
      const name = `node-${i}`;
      const v = startVolunteer(server.url, shard, name);
      v.socket.onAnyOutgoing((event: string, payload: { stamp: { round: number }; adapter: FrameBundle }) => {
        if (event === 'round:update') exchanges.push({ name, kind: 'update', round: payload.stamp.round, bytes: adapterBytes(payload.adapter) });
        if (event === 'train:activations' && !sentOutOfTurn) {
          // While this volunteer trains, another sends the same step as its own: not its turn.
          sentOutOfTurn = true;
          const other = volunteers.find((w) => w !== v)!;
          outOfTurn.push(request(other.socket, 'train:activations', payload as never, 60_000).then(() => 'accepted', (error: unknown) => error));
        }
      });
      v.socket.onAny((event: string, msg: RoundStart) => {
        if (event === 'round:start') exchanges.push({ name, kind: 'start', round: msg.round, bytes: adapterBytes(msg.adapter) });
      });
      return v;
    });
    const run = await createAndStart(admin, testRunConfig({ method: 'sl' }));
    const outcomes = await Promise.all(volunteers.map((v) => v.done));
    expect(outcomes, JSON.stringify(volunteers.flatMap((v) => v.events.filter((e) => e.type === 'error')))).toEqual(['finished', 'finished', 'finished']);

    const refused = await outOfTurn[0];
    expect(isProtocolError(refused) && refused.code).toBe('NOT_YOUR_TURN');

    const metrics = await adminRequest(admin, 'metrics:history', { runId: run.runId });
    const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
    expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    console.log(`sl: eval loss ${rounds.map((r) => r.evalLoss!.toFixed(4)).join(' → ')}`);
    expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);

    // The server's step records, in the order it trained them: per round, three unbroken runs of 3 steps, one per volunteer.
    const steps = metrics.filter((m): m is StepRecord => m.kind === 'step');
    expect(steps).toHaveLength(3 * 3 * 2);
    for (const round of [1, 2]) {
      const order = steps.filter((s) => s.round === round).map((s) => `${s.clientId}:${s.step}`);
      const turns = [...new Set(steps.filter((s) => s.round === round).map((s) => s.clientId))];
      expect(turns).toHaveLength(3);
      expect(order).toEqual(turns.flatMap((id) => [0, 1, 2].map((step) => `${id}:${step}`)));
    }

    // Each turn starts from the adapter the turn before uploaded, byte for byte; round 2's first from round 1's last.
    expect(exchanges.map((e) => e.kind)).toEqual(Array.from({ length: 6 }, () => ['start', 'update']).flat());
    for (let i = 2; i < exchanges.length; i += 2) {
      const start = exchanges[i]!;
      const before = exchanges[i - 1]!;
      expect(start.name).not.toBe(before.name);
      expect([...start.bytes.keys()]).toEqual([...before.bytes.keys()]);
      for (const [name, bytes] of start.bytes) expect(bytes.equals(before.bytes.get(name)!), `${start.name} round ${start.round}: ${name}`).toBe(true);
    }

    // Waiting volunteers were told their place in line: in each round, one turn with 1 ahead and one with 2 ahead.
    for (const round of [1, 2]) {
      const aheads = volunteers.flatMap((v) => v.events.filter((e) => e.type === 'turn' && e.round === round && e.turnsDone === 0).map((e) => (e as { ahead: number }).ahead));
      expect(aheads.sort()).toEqual([1, 2]);
    }
    const waiting = volunteers.flatMap((v) => v.events).find((e) => e.type === 'status' && e.message.startsWith('waiting for your turn'));
    expect(waiting).toBeDefined();
  }, 300_000);
});
