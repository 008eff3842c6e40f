// One of three volunteers disconnects mid-round and does not come back: the round completes with the other two.
import { expect, it } from 'vitest';
import { adminRequest, e2eShards, runMetrics, startVolunteer, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const ctx = useServerWithAdmin();

it('completes the round with the remaining volunteers when one disconnects mid-round', async () => {
  const server = ctx.server();
  const admin = ctx.admin();
  const shards = await e2eShards(3);
  const volunteers = shards.map((shard, i) => startVolunteer(server.url, shard, `node-${i}`, { reconnection: i !== 2 }));
  // Volunteer 2 vanishes right after its first step of round 1 (its tab closes).
  const quitter = volunteers[2]!;
  quitter.onFirst((event) => event.type === 'step' && event.round === 1, () => quitter.socket.disconnect());
  const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 3, rounds: 1, reconnectGraceSec: 1 }));
  // Start once all three are ready, so all three are selected for round 1.
  for (let i = 0; i < 600 && server.host.current!.machine.ready.size < 3; i++) await new Promise((r) => setTimeout(r, 100));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  const outcomes = await Promise.all(volunteers.slice(0, 2).map((v) => v.done));
  expect(outcomes).toEqual(['finished', 'finished']);
  const metrics = await runMetrics(admin, run.runId);
  const round1 = metrics.round(1)!;
  expect(round1.clients).toBe(2);
  const quitterSteps = metrics.all.filter((m) => m.kind === 'step' && !round1.participants.includes(m.clientId));
  expect(quitterSteps.length).toBeGreaterThanOrEqual(1); // it did train before leaving
  expect(round1.evalLoss).not.toBeNull();
});

it('lets a volunteer whose connection drops mid-round reconnect and continue where it was', async () => {
  const server = ctx.server();
  const admin = ctx.admin();
  const volunteers = await startVolunteers(server.url, 2, 'flaky');
  const flaky = volunteers[1]!;
  // The network drops after step 1 of round 1; socket.io reconnects on its own.
  flaky.onFirst((event) => event.type === 'step' && event.round === 1 && event.step === 1, () => flaky.socket.io.engine.close());
  const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, rounds: 1, localSteps: 4, reconnectGraceSec: 30 }));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(['finished', 'finished']);
  const restarts = flaky.events.filter((e) => e.type === 'round-start' && e.round === 1);
  expect(restarts.length).toBe(2);
  expect(restarts[1]).toMatchObject({ firstStep: 2 });
  expect(flaky.events.some((e) => e.type === 'status' && e.status === 'reconnecting')).toBe(true);
  const metrics = await runMetrics(admin, run.runId);
  expect(metrics.round(1)!.clients).toBe(2);
  expect(metrics.all.filter((m) => m.kind === 'step')).toHaveLength(2 * 4);
});

it('joins again when the server has lost its session mid-download (NOT_JOINED), and trains to the end', async () => {
  const server = ctx.server();
  const admin = ctx.admin();
  const volunteers = await startVolunteers(server.url, 2, 'forgotten');
  const forgotten = volunteers[1]!;
  let forgot = false;
  forgotten.onFirst((event) => event.type === 'download' && event.asset === 'weights', () => {
    forgot = true;
    server.registry.disconnected(forgotten.socket.id!, Date.now()); // as after a reconnect that raced this request
  });
  const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, rounds: 1, localSteps: 2 }));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(['finished', 'finished']);
  expect(forgot).toBe(true);
  expect(forgotten.events.some((e) => e.type === 'error' && e.fatal)).toBe(false);
  expect((await runMetrics(admin, run.runId)).round(1)?.clients).toBe(2);
});
