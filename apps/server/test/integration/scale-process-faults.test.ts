// Scale-out faults with real processes (issue 18): a coordinator and two split workers as child processes of this
// test, a real `redis-server`, volunteers in this process. A worker is SIGKILLed mid-round (its volunteers finish
// through the other one); Redis is killed and restarted on its port mid-round (the run goes on); the coordinator is
// SIGKILLed mid-round and restarted with --resume (it continues from its run folder, the workers follow it).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateServers } from '@splitlora/client';
import type { MetricRecord } from '@splitlora/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/http/free-port.js';
import { type LocalRedis, redisServerPath, startLocalRedis } from '../../src/scale/local-redis.js';
import { type ServerProcess, spawnServerProcess } from '../../src/scale/server-process.js';
import { adminRequest, type AdminSocket, connectAdmin, DATA_DIR, e2eShards, runMetrics, startVolunteer, testRunConfig, type TestVolunteer } from '../support/harness.js';

const missing = redisServerPath() === null;
const TEST_TIMEOUT_MS = 900_000;
const TOKEN = 'fault-token';
const debug = process.env['SCALE_DEBUG'] !== undefined;
const log = (line: string) => { if (debug) process.stderr.write(`${line}\n`); };
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(missing)('scale-out processes: a worker killed, Redis restarted, the coordinator killed and resumed', () => {
  let redis: LocalRedis;
  let runsDir: string;
  let coordinatorPort: number;
  let coordinator: ServerProcess;
  const workers: ServerProcess[] = [];
  let admin: AdminSocket;
  const volunteers: TestVolunteer[] = [];

  const startCoordinator = (args: string[] = []) => spawnServerProcess({
    role: 'coordinator', name: 'coordinator', redisUrl: redis.url, dataDir: DATA_DIR, port: coordinatorPort, verbose: debug, log,
    args: ['--admin-token', TOKEN, '--runs-dir', runsDir, ...args],
  });
  const startWorker = (name: string) => spawnServerProcess({ role: 'worker', name, redisUrl: redis.url, dataDir: DATA_DIR, verbose: debug, log });

  beforeAll(async () => {
    redis = await startLocalRedis();
    runsDir = mkdtempSync(join(tmpdir(), 'splitlora-faults-'));
    coordinatorPort = await freePort();
    coordinator = await startCoordinator();
    workers.push(...(await Promise.all(['w1', 'w2'].map(startWorker))));
    admin = await connectAdmin(coordinator.url, TOKEN);
  }, 300_000);

  afterAll(async () => {
    for (const v of volunteers) v.socket.disconnect();
    admin?.disconnect();
    await Promise.all([coordinator, ...workers].filter((p) => p !== undefined).map((p) => p.kill('SIGKILL')));
    await redis?.stop();
  });

  /** Volunteer i connects to worker i % 2 and fails over to the other one. */
  const volunteersOnBoth = async (count: number, prefix: string): Promise<TestVolunteer[]> => {
    const urls = workers.map((w) => w.url);
    const started = (await e2eShards(count)).map((shard, i) => {
      const v = startVolunteer(urls[i % 2]!, shard, `${prefix}-${i}`);
      rotateServers(v.socket, urls, i % 2);
      return v;
    });
    volunteers.push(...started);
    return started;
  };
  const metricOnce = (matches: (m: MetricRecord) => boolean) => new Promise<void>((resolve) => {
    const listener = (m: MetricRecord) => {
      if (!matches(m)) return;
      admin.off('admin:metric', listener);
      resolve();
    };
    admin.on('admin:metric', listener);
  });
  const roundRecords = (all: MetricRecord[]) => all.filter((m) => m.kind === 'round').map((m) => m.round);

  it('a worker process SIGKILLed mid-round: its volunteers finish through the other worker, nothing aggregated is lost', async () => {
    const vs = await volunteersOnBoth(4, 'kill');
    const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 4, maxClients: 4, localSteps: 2, rounds: 2, evalSamples: 8, reconnectGraceSec: 120, roundTimeoutSec: 900 }));
    const round1Adapter = join(runsDir, run.runId, 'rounds', '0001', 'client-adapter', 'adapter_model.safetensors');
    const doomed = workers[1]!;
    let killed: Promise<void> | null = null;
    let round1Sha = '';
    // w2 (volunteers 1 and 3) dies at the first step volunteer 1 trains in round 2: round 1 is aggregated and saved.
    vs[1]!.onFirst((e) => e.type === 'step' && e.round === 2, () => {
      round1Sha = sha(round1Adapter);
      killed = doomed.kill('SIGKILL');
    });
    await adminRequest(admin, 'run:start', { runId: run.runId });
    expect(await Promise.all(vs.map((v) => v.done))).toEqual(Array(4).fill('finished'));
    expect(killed).not.toBeNull();
    await killed;
    expect(doomed.child.signalCode).toBe('SIGKILL');

    const metrics = await runMetrics(admin, run.runId);
    expect(roundRecords(metrics.all)).toEqual([0, 1, 2]); // round 1 was not redone
    expect(metrics.round(1)!.clients).toBe(4);
    expect(metrics.round(2)!.clients).toBe(4); // the moved volunteers reported too
    expect(sha(round1Adapter)).toBe(round1Sha);
    for (const i of [1, 3]) { // w2's volunteers got round 2 again, from w1
      expect(vs[i]!.events.filter((e) => e.type === 'round-start' && e.round === 2).length).toBeGreaterThanOrEqual(2);
      expect((vs[i]!.socket.io as unknown as { uri: string }).uri).toBe(workers[0]!.url);
    }
    workers[1] = await startWorker('w2'); // for the next tests
  }, TEST_TIMEOUT_MS);

  it('Redis killed and restarted on its port mid-round: the run goes on and finishes', async () => {
    const vs = await volunteersOnBoth(2, 'redis');
    const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, localSteps: 3, rounds: 2, evalSamples: 8, reconnectGraceSec: 120, roundTimeoutSec: 900 }));
    const before = redis.pid();
    let restarted: Promise<void> | null = null;
    vs[0]!.onFirst((e) => e.type === 'step' && e.round === 1, () => (restarted = redis.restart()));
    await adminRequest(admin, 'run:start', { runId: run.runId });
    expect(await Promise.all(vs.map((v) => v.done))).toEqual(['finished', 'finished']);
    await restarted;
    expect(redis.pid()).not.toBe(before);
    const metrics = await runMetrics(admin, run.runId);
    expect(roundRecords(metrics.all)).toEqual([0, 1, 2]);
    expect(metrics.round(1)!.clients).toBe(2);
    expect(metrics.round(2)!.clients).toBe(2);
    expect(metrics.round(2)!.evalLoss).toBeLessThan(metrics.round(0)!.evalLoss!);
  }, TEST_TIMEOUT_MS);

  it('the coordinator SIGKILLed mid-round and restarted with --resume: it continues from its run folder, the workers follow', async () => {
    const vs = await volunteersOnBoth(2, 'coord');
    const run = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, localSteps: 2, rounds: 3, evalSamples: 8, reconnectGraceSec: 120, roundTimeoutSec: 900 }));
    const runDir = join(runsDir, run.runId);
    const round1Done = metricOnce((m) => m.kind === 'round' && m.round === 1);
    const round2Step = metricOnce((m) => m.kind === 'step' && m.round === 2);
    await adminRequest(admin, 'run:start', { runId: run.runId });
    await round1Done;
    await round2Step;
    const adapters = ['client-adapter', 'server-adapter'].map((a) => join(runDir, 'rounds', '0001', a, 'adapter_model.safetensors'));
    const before = adapters.map(sha);
    await coordinator.kill('SIGKILL');
    admin.disconnect();
    expect(JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')).completedRounds).toBe(1);

    coordinator = await startCoordinator(['--resume', runDir]);
    admin = await connectAdmin(coordinator.url, TOKEN);
    expect(await Promise.all(vs.map((v) => v.done))).toEqual(['finished', 'finished']);
    expect(JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')).completedRounds).toBe(3);
    expect(adapters.map(sha)).toEqual(before); // what was aggregated before the crash stays
    const metrics = await runMetrics(admin, run.runId);
    expect(roundRecords(metrics.all)).toEqual([0, 1, 2, 3]);
    expect(metrics.round(3)!.clients).toBe(2);
    expect(metrics.round(3)!.evalLoss).toBeLessThan(metrics.round(0)!.evalLoss!);
  }, TEST_TIMEOUT_MS);
});
