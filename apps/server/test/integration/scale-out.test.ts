// Scale-out through Redis (issue 18): a coordinator and two split workers, with a real `redis-server` started here.
// Six volunteers (three per worker) train two rounds: the eval loss drops, the global adapter is the token-weighted
// mean of what they uploaded, the dashboard sees all six. Then a worker crashes mid-round: its volunteers continue
// through the other worker, the run finishes, and the rounds aggregated before the crash stay as they were.
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateServers } from '@splitlora/client';
import { gpt2Config, importPeftAdapter } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { decodeFloatFrame, type FrameBundle, type RoundRecord, type TensorFrame, unpackFrames } from '@splitlora/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coordinator, startCoordinator } from '../../src/scale/coordinator.js';
import { type SplitWorker, startWorker } from '../../src/scale/worker.js';
import { adminRequest, type AdminSocket, connectAdmin, DATA_DIR, e2eShards, runMetrics, startVolunteer, testRunConfig, type TestVolunteer } from '../support/harness.js';
import { type LocalRedis, redisServerPath, startLocalRedis } from '../../src/scale/local-redis.js';

const missing = redisServerPath() === null;
/** Three servers and six volunteers share this process (and, on a busy machine, two cores with other jobs). */
const TEST_TIMEOUT_MS = 900_000;
if (missing) console.warn('scale-out tests skipped: redis-server is not installed (apt-get install redis-server)');

describe.skipIf(missing)('a coordinator and two split workers through Redis', () => {
  let redis: LocalRedis;
  let coordinator: Coordinator;
  let workers: SplitWorker[];
  let admin: AdminSocket;

  beforeAll(async () => {
    redis = await startLocalRedis();
    coordinator = await startCoordinator({
      redisUrl: redis.url, port: 0, host: '127.0.0.1', adminToken: 'test-token', runsDir: mkdtempSync(join(tmpdir(), 'splitlora-runs-')), quiet: !process.env['SCALE_DEBUG'], dataDir: DATA_DIR,
    });
    workers = await Promise.all(['w1', 'w2'].map((name) => startWorker({ redisUrl: redis.url, name, port: 0, host: '127.0.0.1', quiet: !process.env['SCALE_DEBUG'], dataDir: DATA_DIR })));
    admin = await connectAdmin(coordinator.url);
  });

  afterAll(async () => {
    admin?.disconnect();
    for (const w of workers ?? []) await w.close();
    await coordinator?.close();
    await redis?.stop();
  });

  /** Volunteer i connects to worker i % 2 and fails over to the other one. */
  const volunteersOnBoth = async (count: number, prefix: string): Promise<TestVolunteer[]> => {
    const urls = workers.map((w) => w.url);
    return (await e2eShards(count)).map((shard, i) => {
      const v = startVolunteer(urls[i % 2]!, shard, `${prefix}-${i}`);
      rotateServers(v.socket, urls, i % 2);
      return v;
    });
  };

  it('trains two rounds with six volunteers on two workers: loss drops, FedAvg is exact, the admin sees all six', async () => {
    const volunteers = await volunteersOnBoth(6, 'scale');
    const uploads = new Map<number, { round: number; tokens: number; adapter: TensorFrame[] }[]>();
    volunteers.forEach((v, i) => v.socket.onAnyOutgoing((event: string, payload: { stamp: { round: number }; tokens: number; adapter: FrameBundle }) => {
      if (event === 'round:update') uploads.set(i, [...(uploads.get(i) ?? []), { round: payload.stamp.round, tokens: payload.tokens, adapter: unpackFrames(payload.adapter) }]);
    }));
    const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 6, maxClients: 6, localSteps: 2, rounds: 2, evalSamples: 8, roundTimeoutSec: 900 }));
    await adminRequest(admin, 'run:start', { runId: run.runId });
    expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(Array(6).fill('finished'));

    const clients = await adminRequest(admin, 'clients:list', {});
    expect(clients.filter((c) => c.name.startsWith('scale-'))).toHaveLength(6);
    expect([...coordinator.workers().keys()].sort()).toEqual(['w1', 'w2']);
    const metrics = await runMetrics(admin, run.runId);
    const rounds = [0, 1, 2].map((n) => metrics.round(n)!);
    console.log(`scale-out: eval loss ${rounds.map((r) => r.evalLoss!.toFixed(4)).join(' → ')}`);
    expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);
    expect(rounds[1]!.clients).toBe(6);
    expect(metrics.all.filter((m) => m.kind === 'step')).toHaveLength(6 * 2 * 2);
    expect(rounds[1]!.bytesUp).toBeGreaterThan(0); // the workers' traffic reached the coordinator

    // FedAvg, independently, from what the six volunteers uploaded in round 2.
    const saved = await importPeftAdapter(gpt2Config('tiny'), dirSource(join(coordinator.host.current!.runDir, 'rounds', '0002', 'client-adapter')));
    const round2 = [...uploads.values()].map((list) => list.find((u) => u.round === 2)!);
    expect(round2).toHaveLength(6);
    const total = round2.reduce((s, u) => s + u.tokens, 0);
    let worst = 0;
    for (const name of Object.keys(saved.tensors)) {
      const expected = new Float64Array(saved.tensors[name]!.data.length);
      for (const u of round2) decodeFloatFrame(u.adapter.find((f) => f.name === name)!).forEach((v, i) => (expected[i]! += (v * u.tokens) / total));
      saved.tensors[name]!.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
    }
    console.log(`scale-out: FedAvg max |Δ| vs independent token-weighted mean = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    // The server adapter moved away from its initial value: the workers' copies were averaged into it.
    const server0 = await importPeftAdapter(gpt2Config('tiny'), dirSource(join(coordinator.host.current!.runDir, 'rounds', '0000', 'server-adapter')));
    const server2 = await importPeftAdapter(gpt2Config('tiny'), dirSource(join(coordinator.host.current!.runDir, 'rounds', '0002', 'server-adapter')));
    const moved = Object.keys(server0.tensors).some((n) => server0.tensors[n]!.data.some((v, i) => v !== server2.tensors[n]!.data[i]));
    expect(moved).toBe(true);
  }, TEST_TIMEOUT_MS);

  it('survives a worker crash mid-round: its volunteers continue through the other worker, nothing aggregated is lost', async () => {
    const volunteers = await volunteersOnBoth(4, 'crash');
    const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 4, maxClients: 4, localSteps: 2, rounds: 2, evalSamples: 8, reconnectGraceSec: 120, roundTimeoutSec: 900 }));
    const doomed = workers[1]!;
    let crashed: Promise<void> | null = null;
    let moved: string[] = [];
    // Worker w2 dies at the first step one of its volunteers finishes in round 2.
    volunteers[1]!.onFirst((e) => e.type === 'step' && e.round === 2, () => {
      moved = [...doomed.volunteers().values()].map((id) => coordinator.registry.get(id)!.name);
      crashed = doomed.crash();
    });
    await adminRequest(admin, 'run:start', { runId: run.runId });
    const round1Files = join(coordinator.host.current!.runDir, 'rounds', '0001', 'client-adapter', 'adapter_model.safetensors');
    expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(Array(4).fill('finished'));
    expect(crashed).not.toBeNull();
    await crashed;

    const metrics = await runMetrics(admin, run.runId);
    const round1 = metrics.round(1)!;
    const round2 = metrics.round(2)!;
    expect(round1.clients).toBe(4);
    expect(round2.clients).toBe(4); // the moved volunteers reported too
    expect(existsSync(round1Files)).toBe(true);
    expect(metrics.all.filter((m): m is RoundRecord => m.kind === 'round' && m.round === 1)).toHaveLength(1); // round 1 was not redone
    expect(moved.length).toBeGreaterThan(0);
    for (const name of moved) { // the crashed worker's volunteers got round 2 again, from the other worker
      const v = volunteers[Number(name.slice('crash-'.length))]!;
      expect(v.events.filter((e) => e.type === 'round-start' && e.round === 2).length).toBeGreaterThanOrEqual(2);
      expect((v.socket.io as unknown as { uri: string }).uri).toBe(workers[0]!.url);
    }
  }, TEST_TIMEOUT_MS);
});
