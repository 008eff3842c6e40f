// The server process is killed mid-run and restarted with --resume: it continues from the last completed round
// with its adapters and metrics intact, and the volunteers reconnect and finish the run.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricRecord } from '@splitlora/protocol';
import { afterAll, expect, it } from 'vitest';
import { adminRequest, connectAdmin, DATA_DIR, e2eShards, startVolunteer, testRunConfig } from '../support/harness.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli.ts');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

async function startCli(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, SPLITLORA_DATA_DIR: DATA_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (process.env['DEBUG_CRASH']) process.stderr.write(chunk);
      if (output.includes('SplitLoRA server ready')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return child;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

it('continues after kill -9 from the last completed round', async () => {
  const port = await freePort();
  const runsDir = mkdtempSync(join(tmpdir(), 'splitlora-crash-'));
  const common = ['--port', String(port), '--host', '127.0.0.1', '--admin-token', 'crash-token', '--runs-dir', runsDir, '--quiet'];
  const first = await startCli(common);
  const url = `http://127.0.0.1:${port}`;
  const admin = await connectAdmin(url, 'crash-token');
  const shards = await e2eShards(2);
  const volunteers = shards.map((shard, i) => startVolunteer(url, shard, `node-${i}`));
  const run = await adminRequest(admin, 'run:create', testRunConfig({ rounds: 3, minClients: 2, maxClients: 2, localSteps: 3 }));
  const runDir = join(runsDir, run.runId);
  const round1Done = new Promise<void>((r) => admin.on('admin:metric', (m) => { if (m.kind === 'round' && m.round === 1) r(); }));
  const secondRoundStep = new Promise<void>((r) => admin.on('admin:metric', (m) => { if (m.kind === 'step' && m.round === 2) r(); }));
  await adminRequest(admin, 'run:start', { runId: run.runId });
  await round1Done;
  await secondRoundStep;
  const adapter1 = join(runDir, 'rounds', '0001', 'client-adapter', 'adapter_model.safetensors');
  const before = { adapter: sha(adapter1), server: sha(join(runDir, 'rounds', '0001', 'server-adapter', 'adapter_model.safetensors')) };
  first.kill('SIGKILL');
  admin.disconnect();
  await new Promise((r) => first.once('exit', r));
  expect(JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')).completedRounds).toBe(1);

  await startCli([...common, '--resume', runDir]);
  const outcomes = await Promise.all(volunteers.map((v) => v.done));
  expect(outcomes).toEqual(['finished', 'finished']);

  const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8'));
  expect(state.completedRounds).toBe(3);
  expect(sha(adapter1)).toBe(before.adapter);
  expect(sha(join(runDir, 'rounds', '0001', 'server-adapter', 'adapter_model.safetensors'))).toBe(before.server);
  const records = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricRecord);
  const rounds = records.filter((r) => r.kind === 'round').map((r) => r.round);
  expect(rounds).toEqual([0, 1, 2, 3]);
  const admin2 = await connectAdmin(url, 'crash-token');
  const history = await adminRequest(admin2, 'metrics:history', { runId: run.runId });
  expect(history.filter((r) => r.kind === 'round').map((r) => r.round)).toEqual([0, 1, 2, 3]);
  admin2.disconnect();
});
