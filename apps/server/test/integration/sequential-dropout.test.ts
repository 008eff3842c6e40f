// Sequential split learning (method sl) when a volunteer closes its tab during its turn: after the grace period its
// turn is skipped, the next turn starts from the adapter the leaver started from (nothing it half-trained is handed
// on), the round closes with the others, and the round's adapter is the last upload.
import { decodeFloatFrame, type FrameBundle, type RoundStart, type StepRecord, unpackFrames } from '@splitlora/protocol';
import { expect, it } from 'vitest';
import { adminRequest, e2eShards, runMetrics, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const ctx = useServerWithAdmin();

/** An adapter's tensors as float32 bytes, by name. */
function adapterBytes(bundle: FrameBundle): Map<string, Buffer> {
  return new Map(unpackFrames(bundle).map((f) => [f.name, Buffer.from(decodeFloatFrame(f).buffer)]));
}

function sameBytes(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  return a.size === b.size && [...a].every(([name, bytes]) => b.get(name)?.equals(bytes) === true);
}

it('skips the turn of a volunteer that leaves on it and hands on the adapter it started from', async () => {
  const server = ctx.server();
  const admin = ctx.admin();
  const shards = await e2eShards(3);
  const exchanges: { name: string; kind: 'start' | 'update'; bytes: Map<string, Buffer> }[] = [];
  const volunteers = shards.map((shard, i) => {
    const name = `node-${i}`;
    const v = startVolunteer(server.url, shard, name, { reconnection: i !== 1 });
    v.socket.onAnyOutgoing((event: string, payload: { adapter: FrameBundle }) => {
      if (event === 'round:update') exchanges.push({ name, kind: 'update', bytes: adapterBytes(payload.adapter) });
    });
    v.socket.onAny((event: string, msg: RoundStart) => {
      if (event === 'round:start') exchanges.push({ name, kind: 'start', bytes: adapterBytes(msg.adapter) });
    });
    return v;
  });
  // Volunteer 1 closes its tab right after the first step of its turn.
  const quitter = volunteers[1]!;
  quitter.onFirst((event) => event.type === 'step' && event.round === 1, () => quitter.socket.disconnect());
  const run = await adminRequest(admin, 'run:create', testRunConfig({ method: 'sl', minClients: 2, maxClients: 3, rounds: 1, reconnectGraceSec: 1 }));
  for (let i = 0; i < 600 && server.host.current!.machine.ready.size < 3; i++) await new Promise((r) => setTimeout(r, 100));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  const stayers = [volunteers[0]!, volunteers[2]!];
  expect(await Promise.all(stayers.map((v) => v.done))).toEqual(['finished', 'finished']);

  const metrics = await runMetrics(admin, run.runId);
  const round1 = metrics.round(1)!;
  expect(round1.clients).toBe(2);
  expect(round1.evalLoss).not.toBeNull();
  const quitterId = metrics.all.filter((m): m is StepRecord => m.kind === 'step').find((m) => !round1.participants.includes(m.clientId))?.clientId;
  expect(quitterId).toBeDefined(); // it trained a step before leaving

  // Three turns began, two uploaded; each turn started from the last upload before it (or the round's adapter).
  const starts = exchanges.filter((e) => e.kind === 'start');
  expect(starts.map((s) => s.name).sort()).toEqual(['node-0', 'node-1', 'node-2']);
  expect(exchanges.filter((e) => e.kind === 'update').map((e) => e.name).sort()).toEqual(['node-0', 'node-2']);
  let handed = starts[0]!.bytes;
  for (const e of exchanges) {
    if (e.kind === 'start') expect(sameBytes(e.bytes, handed), `${e.name} starts from the adapter handed on`).toBe(true);
    else handed = e.bytes;
  }
  const afterQuitter = exchanges.findIndex((e) => e.name === 'node-1') + 1;
  if (afterQuitter < exchanges.length) expect(sameBytes(exchanges[afterQuitter]!.bytes, exchanges[afterQuitter - 1]!.bytes)).toBe(true);

  // The round's client adapter is the last upload, unchanged.
  const global = server.host.current!.globalClient;
  const globalBytes = new Map(Object.entries(global).map(([name, t]) => [name, Buffer.from(Float32Array.from(t.data).buffer)]));
  expect(sameBytes(globalBytes, handed)).toBe(true);
}, 300_000);
