// --resume validates every checkpoint file and refuses a damaged one with a message naming the file and the fault;
// a commit cut short by a kill leaves each round recorded once, and an interrupted round's steps are not kept twice.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdamWState, gpt2Config, type NamedHostTensors, SplitPlan } from '@splitlora/core';
import { DEFAULT_MAX_MESSAGE_BYTES, type MetricRecord, type RoundRecord, runConfigSchema } from '@splitlora/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/clients/client-registry.js';
import { createLogger } from '../../src/log.js';
import type { RunDeps } from '../../src/run/run-deps.js';
import { createRun, resumeRun } from '../../src/run/run-factory.js';
import { RunStore } from '../../src/run/run-store.js';
import { DATA_DIR, testRunConfig } from '../support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'splitlora-checkpoint-'));
const deps: RunDeps = {
  runsDir: join(root, 'runs'), modelsDir: join(root, 'models'), dataDir: DATA_DIR, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  registry: new ClientRegistry(), logger: createLogger('test', []),
  notify: { roundStart() {}, runState() {}, roundEnd() {}, turn() {}, metric() {}, changed() {}, secagg() {} },
};
const config = runConfigSchema.parse(testRunConfig({ evalData: null, sfl: 'v2' }));
const plan = SplitPlan.create(gpt2Config('tiny'), config.cut, config.lora, 'tiny');
let base = '';
let client: NamedHostTensors;
let server: NamedHostTensors;
let optimizer: AdamWState;

const zeros = (t: NamedHostTensors): NamedHostTensors => Object.fromEntries(Object.entries(t).map(([n, x]) => [n, { shape: x.shape, data: new Float32Array(x.data.length) }]));
const withValue = (t: NamedHostTensors, value: number): NamedHostTensors => {
  const [name, first] = Object.entries(t)[0]!;
  const data = Float32Array.from(first.data);
  data[3] = value;
  return { ...t, [name]: { shape: first.shape, data } };
};
const step = (round: number, s: number): MetricRecord => ({ kind: 'step', runId: 'r', round, step: s, clientId: 'v1', loss: 3, tokens: 10, time: 1 });
const roundRecord = (round: number): RoundRecord => ({
  kind: 'round', runId: 'r', round, trainLoss: 3, evalLoss: null, evalPerplexity: null, tokens: 20, bytesUp: 1, bytesDown: 1, clients: 1,
  participants: ['v1'], seconds: 1, tokensPerSecond: 20, endedAt: 2,
});

/** A copy of the good folder, damaged by `damage`. */
let copies = 0;
function damaged(damage: (store: RunStore) => void | Promise<void>): Promise<string> {
  const dir = join(root, `copy-${copies++}`);
  cpSync(base, dir, { recursive: true });
  return Promise.resolve(damage(new RunStore(dir))).then(() => dir);
}

beforeAll(async () => {
  const run = await createRun(config, deps);
  base = run.runDir;
  const store = new RunStore(base);
  client = run.globalClient;
  server = await store.loadAdapter(0, 'server-adapter', plan.config);
  await run.dispose();
  optimizer = { steps: 3, m: zeros(server), v: zeros(server) };
  // Round 1 completed; its round record was written twice (a kill between the record and state.json, then the
  // round done again); round 2 was interrupted after two steps.
  await store.saveRoundFiles(1, plan, client, server, optimizer);
  for (const record of [step(1, 0), step(1, 1), roundRecord(1), roundRecord(1), step(2, 0), step(2, 1)]) store.appendMetric(record);
  await store.markCompleted(1);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resume', () => {
  it('continues a sound folder with each round recorded once and no steps of the interrupted round', async () => {
    const dir = await damaged(() => {});
    const run = await resumeRun(dir, deps);
    expect(run.machine.completedRounds).toBe(1);
    const expected = [step(1, 0), step(1, 1), roundRecord(1)];
    expect(run.metricHistory()).toEqual(expected);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricRecord)).toEqual(expected);
    await run.dispose();
  });

  const cases: [string, (store: RunStore) => void | Promise<void>, RegExp][] = [
    ['NaN in the stored client adapter', (s) => s.saveRoundFiles(1, plan, withValue(client, Number.NaN), server, optimizer), /0001\/client-adapter\/adapter_model\.safetensors: .*NaN/],
    ['1e30 in the server adapter', (s) => s.saveRoundFiles(1, plan, client, withValue(server, 1e30), optimizer), /0001\/server-adapter\/adapter_model\.safetensors: .*e\+30/],
    ['NaN in the optimizer state', (s) => s.saveRoundFiles(1, plan, client, server, { ...optimizer, v: withValue(optimizer.v, Number.NaN) }), /server-optimizer\.safetensors: second moment .*NaN/],
    ['completedRounds stored as a string', (s) => writeFileSync(join(s.dir, 'state.json'), '{"completedRounds":"1","updatedAt":1}'), /state\.json: completedRounds: /],
    ['completedRounds beyond the run', (s) => writeFileSync(join(s.dir, 'state.json'), '{"completedRounds":21,"updatedAt":1}'), /state\.json: completedRounds 21 exceeds/],
    ['a deleted optimizer file', (s) => rmSync(join(s.dir, 'rounds', '0001', 'server-optimizer.safetensors')), /server-optimizer\.safetensors: missing/],
    ['a deleted metrics file', (s) => rmSync(join(s.dir, 'metrics.jsonl')), /metrics\.jsonl: missing/],
    ['a config the schema refuses', (s) => writeFileSync(join(s.dir, 'config.json'), JSON.stringify({ runId: 'r', createdAt: 1, config: { ...config, cut: 99 } })), /config\.json: config: cut/],
    ['a config that is not JSON', (s) => writeFileSync(join(s.dir, 'config.json'), '{"runId": "r", '), /config\.json: not valid JSON/],
    ['a missing adapter file', (s) => rmSync(join(s.dir, 'rounds', '0001', 'server-adapter', 'adapter_model.safetensors')), /server-adapter\/adapter_model\.safetensors: missing/],
  ];
  for (const [what, damage, message] of cases) {
    it(`refuses ${what}, naming the file and the fault`, async () => {
      await expect(resumeRun(await damaged(damage), deps)).rejects.toThrow(message);
    });
  }
});
