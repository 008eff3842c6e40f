// Earlier runs stay in the dashboard: after a new run is created, the finished one is listed, and its metrics and
// adapters are read from its folder.
import { parseSafetensors } from '@splitlora/core';
import type { Ack } from '@splitlora/protocol';
import { expect, it } from 'vitest';
import { adminRequest, createAndStart, runMetrics, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const { server, admin } = useServerWithAdmin();

it('lists the previous run and serves its metrics and adapters after a new run started', { timeout: 600_000 }, async () => {
  const first = await createAndStart(admin(), testRunConfig({ name: 'first run', rounds: 1, localSteps: 2, minClients: 1, maxClients: 1, evalSamples: 4 }));
  const [volunteer] = await startVolunteers(server().url, 1, 'history');
  expect(await volunteer!.done).toBe('finished');
  const before = await runMetrics(admin(), first.runId);
  expect(before.round(1)).toBeDefined();

  const second = await adminRequest(admin(), 'run:create', testRunConfig({ name: 'second run' }));
  const list = await adminRequest(admin(), 'runs:list', {});
  expect(list.map((r) => [r.name, r.current])).toEqual([['second run', true], ['first run', false]]);
  expect(list[1]).toMatchObject({ runId: first.runId, model: 'tiny', rounds: 1, completedRounds: 1 });
  expect(second.runId).not.toBe(first.runId);

  // The first run's records and adapters, now from disk.
  expect(await adminRequest(admin(), 'metrics:history', { runId: first.runId })).toEqual(before.all);
  const client = await adminRequest(admin(), 'adapter:download', { runId: first.runId, round: 1, which: 'client' });
  const weights = client.files.find((f) => f.name === 'adapter_model.safetensors');
  const bytes = weights!.data instanceof Uint8Array ? weights!.data : new Uint8Array(weights!.data);
  expect(parseSafetensors(bytes).names().some((k) => k.includes('lora_A'))).toBe(true);
  const combined = await adminRequest(admin(), 'adapter:download', { runId: first.runId, round: 1, which: 'combined' });
  expect(combined.files.map((f) => f.name).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);

  const refused = async (payload: object) => (await admin().timeout(10_000).emitWithAck('adapter:download', payload as never)) as Ack<unknown>;
  expect(await refused({ runId: '../etc', round: 1, which: 'client' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await refused({ runId: first.runId, round: 2, which: 'client' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('last completed: 1') } });
});
