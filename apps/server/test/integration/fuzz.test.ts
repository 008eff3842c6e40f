// A bounded fuzz run: a few thousand malformed or hostile messages, generated from valid ones by mutating every
// event's fields (types, ranges, extra and missing keys, frame bytes, shapes, dtypes, scales, stamps), sent while an
// honest volunteer trains. Every message gets an answer with a code from the closed list, the server stays up, and
// the honest volunteer's losses stay finite.
import {
  type Ack, type ClientManifest, encodeFloatFrame, encodeIntFrame, ERROR_CODES, packFrames, PROTOCOL_VERSION,
} from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createAndStart, runMetrics, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const MESSAGES = 2000;
const CODES = new Set<string>(['OK', ...Object.values(ERROR_CODES)]);

/** mulberry32: a seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;

/** Values that break a field: wrong types, out-of-range numbers, huge strings, odd binaries. */
function hostileValue(random: () => number): Json {
  const choices: (() => Json)[] = [
    () => null, () => 'x', () => ''.padEnd(5000, 'a'), () => -1, () => 0, () => 1.5, () => 2 ** 53, () => -(2 ** 31), () => 1e308, () => 1e-300,
    () => true, () => [], () => [1, 2, 3], () => ({}), () => ({ nested: { deeper: [null] } }), () => new Uint8Array(0),
    () => new Uint8Array(Math.floor(random() * 4096)).map(() => Math.floor(random() * 256)), () => 'float64', () => 'int8', () => Number.MAX_SAFE_INTEGER,
  ];
  return choices[Math.floor(random() * choices.length)]!();
}

/** Every path to a value inside `value` (objects and arrays; binaries are leaves). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof ArrayBuffer) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value as Record<string, Json>);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** A deep copy of `value` with one mutation at a random path: replace, delete, add a key, or corrupt bytes. */
function mutate(value: Json, random: () => number): Json {
  const copy = structuredClone(value) as Json;
  const all = paths(copy);
  const path = all[Math.floor(random() * all.length)]!;
  if (path.length === 0) return random() < 0.5 ? hostileValue(random) : copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const kind = random();
  const current = parent[key];
  if (current instanceof Uint8Array && kind < 0.5) {
    const bytes = Uint8Array.from(current);
    for (let i = 0; i < Math.max(1, bytes.length / 50); i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    parent[key] = kind < 0.25 ? bytes : bytes.subarray(0, Math.floor(random() * bytes.length));
  } else if (kind < 0.6) parent[key] = hostileValue(random);
  else if (kind < 0.75 && !Array.isArray(parent)) delete parent[key];
  else if (kind < 0.9 && !Array.isArray(parent)) parent[`extra${Math.floor(random() * 10)}`] = hostileValue(random);
  else if (typeof current === 'number') parent[key] = current * (random() < 0.5 ? -1 : 1e30);
  else parent[key] = hostileValue(random);
  return copy;
}

const DTYPES = ['float32', 'float16', 'int32', 'uint16', 'uint8'];

/** Mutations that keep a tensor frame well-formed for the schema, so they reach the frame and value checks. */
function mutateFrame(frame: Record<string, Json>, random: () => number): Record<string, Json> {
  const bytes = frame['data'] as Uint8Array;
  const choices: (() => Record<string, Json>)[] = [
    () => ({ ...frame, scale: 2 ** Math.round(random() * 140 - 70) }),
    () => ({ ...frame, dtype: DTYPES[Math.floor(random() * DTYPES.length)] }),
    () => ({ ...frame, shape: (frame['shape'] as number[]).map((d) => Math.max(0, d + Math.round(random() * 4 - 2))) }),
    () => ({ ...frame, data: new Uint8Array(bytes.length).map(() => Math.floor(random() * 256)) }),
    () => ({ ...frame, data: new Uint8Array(bytes.length).fill(0xff) }), // NaN in fp16 and fp32
    () => ({ ...frame, data: new Uint8Array(new Float32Array(bytes.length / 4).fill(random() < 0.5 ? 3e38 : 50).buffer) }),
  ];
  return choices[Math.floor(random() * choices.length)]!();
}

/** A well-formed training message with one frame (or one tensor of a bundle) mutated past the schema. */
function mutateTraining(event: string, payload: Record<string, Json>, random: () => number): Json {
  if (event === 'train:activations') {
    const key = ['activations', 'targets', 'lossMask'][Math.floor(random() * 3)]!;
    return { ...payload, [key]: mutateFrame(payload[key] as Record<string, Json>, random) };
  }
  const bundle = payload['adapter'] as { tensors: Record<string, Json>[]; data: Uint8Array };
  const tensors = bundle.tensors.map((t) => ({ ...t }));
  const i = Math.floor(random() * tensors.length);
  const kind = random();
  if (kind < 0.3) tensors[i]!['offset'] = Math.floor(random() * bundle.data.length * 2);
  else if (kind < 0.5) tensors[i]!['name'] = random() < 0.5 ? tensors[(i + 1) % tensors.length]!['name'] : 'transformer.h.0.attn.c_attn.lora_Z';
  else if (kind < 0.6) tensors.splice(i, 1);
  else {
    const mutated = mutateFrame({ ...tensors[i]!, data: bundle.data }, random);
    const { data, ...header } = mutated;
    tensors[i] = header;
    return { ...payload, adapter: { tensors, data } };
  }
  return { ...payload, adapter: { tensors, data: bundle.data } };
}

describe('fuzz', () => {
  const ctx = useServerWithAdmin({ maxMessageBytes: 8 * 1024 * 1024, rateLimit: { perSecond: 100_000, burst: 100_000 } });
  let fuzzer: Socket | null = null;
  afterAll(() => fuzzer?.disconnect());

  it(`answers ${MESSAGES} generated malformed messages with codes while an honest volunteer's losses stay finite`, async () => {
    const server = ctx.server();
    const [honest] = await startVolunteers(server.url, 1, 'honest');
    const created = await createAndStart(ctx.admin(), testRunConfig({ minClients: 1, maxClients: 2, rounds: 5, localSteps: 3, roundTimeoutSec: 30 }));
    const runId = created.runId;
    fuzzer = io(server.url, { forceNew: true, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => fuzzer!.once('connect', () => r()));
    const send = async (event: string, payload: unknown): Promise<string> => {
      const ack = (await fuzzer!.timeout(60_000).emitWithAck(event, payload)) as Ack<unknown>;
      return ack.ok ? 'OK' : ack.error.code;
    };
    const joined = await send('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node', name: 'fuzzer' });
    expect(joined).toBe('OK');
    expect(await send('model:manifest', { runId })).toBe('OK');
    const manifest = (await fuzzer.timeout(60_000).emitWithAck('model:manifest', { runId })) as Ack<ClientManifest>;
    const hash = manifest.ok ? manifest.data.assets.tokenizer.hash : '0'.repeat(64);
    const me = server.registry.bySocket(fuzzer.id!)!.id;

    const E = 64;
    const adapter = Object.entries(server.host.current!.globalClient).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
    const valid = (round: number, step: number): Record<string, Json> => ({
      'session:join': { protocolVersion: PROTOCOL_VERSION, backend: 'node', name: 'fuzzer' },
      'model:manifest': { runId },
      'asset:chunk': { hash, index: 0 },
      'round:ready': { runId },
      'client:status': { state: 'training', tokensPerSecond: 10 },
      'train:activations': {
        stamp: { runId, round, step },
        activations: encodeFloatFrame('activations', [2, 8, E], Float32Array.from({ length: 2 * 8 * E }, (_, i) => Math.sin(i)), 'float16'),
        targets: encodeIntFrame('targets', [16], Array.from({ length: 16 }, (_, i) => (i * 37) % 50257), 'uint16'),
        lossMask: encodeIntFrame('lossMask', [16], new Array(16).fill(1), 'uint8'),
      },
      'round:update': { stamp: { runId, round, step: 3 }, adapter: packFrames(adapter), tokens: 32, meanLoss: 3, seconds: 1 },
      'unknown:event': { x: 1 },
    });
    const events = Object.keys(valid(1, 0));
    const random = rng(14);
    const answered = new Map<string, Map<string, number>>();
    const unknownCodes: string[] = [];
    const started = Date.now();
    let nextStep = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const run = server.host.current!;
      // The fuzzer takes part in the current round, so its steps and updates reach the deepest checks.
      if (run.machine.state === 'training' && !run.machine.participants.has(me)) {
        run.machine.participants.set(me, { stepsDone: 0, reported: false, tokens: 0, goneAt: null, dropped: false });
      }
      const participant = run.machine.participants.get(me);
      const event = events[i % events.length]!;
      // A step message finds a step due (cycling through the round's steps), an update finds all steps done.
      if (participant !== undefined && event === 'train:activations') {
        participant.stepsDone = (nextStep = (nextStep + 1) % 3);
        participant.reported = false;
      }
      if (participant !== undefined && event === 'round:update') participant.stepsDone = 3;
      const base = valid(run.machine.round, participant?.stepsDone ?? 0)[event];
      const training = event === 'train:activations' || event === 'round:update';
      const choice = random();
      const payload = choice < 0.1 ? base : training && choice < 0.55 ? mutateTraining(event, base as Record<string, Json>, random) : mutate(base, random);
      const result = await send(event, payload);
      if (!CODES.has(result)) unknownCodes.push(`${event}: ${result}`);
      const counts = answered.get(event) ?? new Map<string, number>();
      counts.set(result, (counts.get(result) ?? 0) + 1);
      answered.set(event, counts);
    }
    console.log(`fuzz: ${MESSAGES} messages in ${((Date.now() - started) / 1000).toFixed(1)} s; answers: ${[...answered].map(([e, c]) => `${e} ${[...c].map(([k, n]) => `${k}×${n}`).join(' ')}`).join('; ')}`);
    expect(unknownCodes).toEqual([]);
    expect([...answered.values()].reduce((s, c) => s + [...c.values()].reduce((a, b) => a + b, 0), 0)).toBe(MESSAGES);
    // The fuzzer leaves the round; the honest volunteer finishes the run.
    server.host.current!.machine.participants.delete(me);
    fuzzer.disconnect();
    expect(await honest!.done).toBe('finished');
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    const metrics = await runMetrics(ctx.admin(), runId);
    const honestId = server.registry.list(new Set()).find((c) => c.name === 'honest-0')!.id;
    const losses = metrics.all.flatMap((m) => (m.kind === 'step' && m.clientId === honestId ? [m.loss] : []));
    expect(losses.length).toBeGreaterThanOrEqual(5 * 3);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Object.values(server.host.current!.globalClient).every((t) => t.data.every(Number.isFinite))).toBe(true);
  }, 400_000);
});
