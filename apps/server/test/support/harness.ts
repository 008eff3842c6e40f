// Integration-test harness: a real server on port 0, admin requests over the real /admin namespace (the protocol's
// typed request), and real volunteers (packages/client) over socket.io-client with E2E shards.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eCsvExamples, type Example, shardIid } from '@splitlora/core';
import { type AssetCache, memoryAssetCache, type VolunteerEvent, Volunteer, type VolunteerOutcome, type VolunteerSocket } from '@splitlora/client';
import { findDataDir, loadTokenizer, selectNodeBackend } from '@splitlora/node';
import {
  ADMIN_NAMESPACE, type AdminClientToServerEvents, type AdminServerToClientEvents, DEFAULT_MAX_MESSAGE_BYTES, type MetricRecord, type PayloadOf, type ReplyOf, request,
  type RoundRecord, type RunConfigInput, type RunSnapshot,
} from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import { ClientRegistry } from '../../src/clients/client-registry.js';
import { createLogger } from '../../src/log.js';
import type { RunDeps } from '../../src/run/run-deps.js';
import { createServer, type ServerOptions, type SplitLoraServer } from '../../src/server.js';

// Volunteers in the test process compute with tfjs too (the in-process server picks the same backend).
await selectNodeBackend('wasm');

export const DATA_DIR = findDataDir() ?? (() => { throw new Error('integration tests need the data folder (SPLITLORA_DATA_DIR)'); })();

/** What run-factory needs to build runs without a server (folders under `root`, notifications dropped). */
export function runFactoryDeps(root: string): RunDeps {
  return {
    runsDir: join(root, 'runs'), modelsDir: join(root, 'models'), dataDir: DATA_DIR, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    registry: new ClientRegistry(), logger: createLogger('test', []),
    notify: { roundStart() {}, runState() {}, roundEnd() {}, metric() {}, changed() {}, secagg() {}, turn() {} },
  };
}

export async function startTestServer(options: ServerOptions = {}): Promise<SplitLoraServer> {
  return createServer({ port: 0, host: '127.0.0.1', adminToken: 'test-token', runsDir: mkdtempSync(join(tmpdir(), 'splitlora-runs-')), quiet: true, dataDir: DATA_DIR, ...options });
}

export type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

export async function connectAdmin(url: string, token = 'test-token'): Promise<AdminSocket> {
  const socket: AdminSocket = io(`${url}${ADMIN_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** The protocol's request with a patient timeout (a busy test machine). */
export function adminRequest<E extends keyof AdminClientToServerEvents & string>(
  socket: AdminSocket, event: E, payload: PayloadOf<AdminClientToServerEvents[E]>,
): Promise<ReplyOf<AdminClientToServerEvents[E]>> {
  return request(socket, event, payload, 120_000);
}

/** A small, fast run on the tiny model: short sequences, small batches, E2E test set for evaluation. */
export function testRunConfig(overrides: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    name: 'integration', model: 'tiny', cut: 3, batchSize: 4, maxSeqLen: 48, padMultiple: 8, localSteps: 3, rounds: 2,
    minClients: 3, maxClients: 3, lr: 5e-3, schedule: 'constant', roundTimeoutSec: 120, reconnectGraceSec: 1,
    evalData: 'e2e/testset_w_refs.csv', evalSamples: 32, ...overrides,
  };
}

export async function createAndStart(admin: AdminSocket, config: RunConfigInput): Promise<RunSnapshot> {
  const created = await adminRequest(admin, 'run:create', config);
  return adminRequest(admin, 'run:start', { runId: created.runId });
}

/** A run's metric records as the dashboard gets them, and its round records by number. */
export async function runMetrics(admin: AdminSocket, runId: string): Promise<{ all: MetricRecord[]; round(n: number): RoundRecord | undefined }> {
  const all = await adminRequest(admin, 'metrics:history', { runId });
  return { all, round: (n) => all.find((m): m is RoundRecord => m.kind === 'round' && m.round === n) };
}

let shardCache: Example[][] | null = null;

/** IID shards of the E2E dev set (first 600 rows), tokenized once. */
export async function e2eShards(count: number): Promise<Example[][]> {
  if (shardCache === null || shardCache.length !== count) {
    const tokenizer = await loadTokenizer(join(DATA_DIR, 'gpt2-tokenizer'));
    const csv = readFileSync(join(DATA_DIR, 'e2e', 'devset.csv'), 'utf8').split('\n').slice(0, 601).join('\n');
    shardCache = shardIid(e2eCsvExamples(tokenizer, csv, { maxSeqLen: 48 }), count, 7);
  }
  return shardCache;
}

export interface TestVolunteer {
  volunteer: Volunteer;
  socket: VolunteerSocket;
  /** Every event the volunteer reported, in order. */
  events: VolunteerEvent[];
  done: Promise<VolunteerOutcome>;
  /** Calls `act` once, at the first event that `matches` (right after it is recorded): how a test injects a fault. */
  onFirst(matches: (event: VolunteerEvent) => boolean, act: (event: VolunteerEvent) => void): void;
}

export interface TestVolunteerOptions {
  reconnection?: boolean;
  observeUpdate?: (round: number, update: Float64Array) => void;
  /** The asset cache (default: its own, empty): volunteers of one test may share one, as tabs of one browser do. */
  cache?: AssetCache;
}

export function startVolunteer(url: string, examples: Example[], name: string, options: TestVolunteerOptions = {}): TestVolunteer {
  const socket: VolunteerSocket = io(url, { forceNew: true, autoConnect: false, transports: ['websocket'], reconnection: options.reconnection ?? true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
  const events: VolunteerEvent[] = [];
  const hooks: { matches: (event: VolunteerEvent) => boolean; act: (event: VolunteerEvent) => void }[] = [];
  const onEvent = (event: VolunteerEvent) => {
    events.push(event);
    for (const hook of [...hooks]) {
      if (!hook.matches(event)) continue;
      hooks.splice(hooks.indexOf(hook), 1);
      hook.act(event);
    }
  };
  const volunteer = new Volunteer({
    socket, backend: 'node', name, cache: options.cache ?? memoryAssetCache(), loadExamples: () => examples, onEvent, statusIntervalMs: 500,
    ...(options.observeUpdate ? { observeUpdate: options.observeUpdate } : {}),
  });
  return { volunteer, socket, events, done: volunteer.run(), onFirst: (matches, act) => hooks.push({ matches, act }) };
}

/** `count` volunteers named `<prefix>-<i>`, each on its own shard of the three the other tests use. */
export async function startVolunteers(url: string, count: number, prefix: string): Promise<TestVolunteer[]> {
  return (await e2eShards(3)).slice(0, count).map((shard, i) => startVolunteer(url, shard, `${prefix}-${i}`));
}

/** beforeAll/afterAll pair: a test server and a connected admin socket, shared by a test file. */
export function useServerWithAdmin(options: ServerOptions = {}): { server: () => SplitLoraServer; admin: () => AdminSocket } {
  let server: SplitLoraServer | null = null;
  let admin: AdminSocket | null = null;
  beforeAll(async () => {
    server = await startTestServer(options);
    admin = await connectAdmin(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.close();
  });
  return { server: () => server!, admin: () => admin! };
}
