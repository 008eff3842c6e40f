// A wasm runtime abort during a step (its heap exhausted) fails the run with a reason that says what to change,
// instead of answering every later step with an internal error; the volunteers are told and stop.
import { expect, it } from 'vitest';
import { adminRequest, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const ctx = useServerWithAdmin();

it('fails the run with a clear reason when the wasm backend aborts in a step', async () => {
  const server = ctx.server();
  const admin = ctx.admin();
  const shards = await e2eShards(2);
  const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, rounds: 2 }));
  const split = server.host.current!['split'];
  split.step = async () => {
    const abort = new Error('memory access out of bounds');
    abort.name = 'RuntimeError';
    throw abort;
  };
  const volunteers = shards.map((shard, i) => startVolunteer(server.url, shard, `heap-${i}`));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(['finished', 'finished']);
  const snapshot = await adminRequest(admin, 'admin:snapshot', {});
  expect(snapshot.run?.state).toBe('failed');
  expect(snapshot.run?.error).toMatch(/backend aborted during a step of \d+×\d+ on tiny.*4 GiB/);
  expect(volunteers[0]!.events.some((e) => e.type === 'status' && /failed/.test(e.message))).toBe(true);
});
