// Malformed payloads get the right error code, the server stays up, and a well-behaved volunteer training at the
// same time is unaffected.
import {
  type Ack, type ActivationsResponse, type ClientManifest, encodeFloatFrame, encodeIntFrame, type JoinResponse, PROTOCOL_VERSION,
} from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplitLoraServer } from '../../src/server.js';
import { adminRequest, type AdminSocket, connectAdmin, e2eShards, startTestServer, startVolunteer, testRunConfig } from '../support/harness.js';

let server: SplitLoraServer;
let admin: AdminSocket;
let raw: Socket;
const send = async <T>(event: string, payload?: unknown): Promise<Ack<T>> => raw.timeout(60_000).emitWithAck(event, payload) as Promise<Ack<T>>;
const code = (ack: Ack<unknown>) => (ack.ok ? 'OK' : ack.error.code);

beforeAll(async () => {
  server = await startTestServer({ maxMessageBytes: 8 * 1024 * 1024 });
  admin = await connectAdmin(server.url);
});
afterAll(async () => {
  raw?.disconnect();
  admin.disconnect();
  await server.close();
});

describe('bad input', () => {
  it('answers every malformed message with its code while a good volunteer trains', async () => {
    const [good, other] = await e2eShards(2);
    const volunteer = startVolunteer(server.url, good!, 'good');
    const partner = startVolunteer(server.url, other!, 'partner');
    // They hold after their first step until the checks are done, so the round (and the run) cannot end under them.
    for (const v of [volunteer, partner]) v.onFirst((event) => event.type === 'step' && event.step === 0, () => v.volunteer.pause());
    raw = io(server.url, { forceNew: true, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => raw.once('connect', () => r()));
    const protocolErrors: { code: string }[] = [];
    raw.on('protocol:error', (e) => protocolErrors.push(e));

    // Before joining, and with the wrong protocol version.
    expect(code(await send('round:ready', { runId: 'x' }))).toBe('NOT_JOINED');
    expect(code(await send('session:join', { protocolVersion: PROTOCOL_VERSION + 1, backend: 'node' }))).toBe('PROTOCOL_VERSION');
    expect(code(await send('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'quantum' }))).toBe('BAD_REQUEST');
    const joined = await send<JoinResponse>('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node', name: 'mallory' });
    expect(joined.ok).toBe(true);

    const created = await adminRequest(admin, 'run:create', testRunConfig({ minClients: 2, maxClients: 2, rounds: 1, localSteps: 4 }));
    await adminRequest(admin, 'run:start', { runId: created.runId });
    const runId = created.runId;
    const manifest = await send<ClientManifest>('model:manifest', { runId });
    expect(manifest.ok).toBe(true);

    // Unknown events, with and without an ack.
    expect(code(await send('admin:snapshot', {}))).toBe('UNKNOWN_EVENT');
    raw.emit('hack:the:planet', { x: 1 });
    for (let i = 0; i < 100 && protocolErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(protocolErrors.map((e) => e.code)).toContain('UNKNOWN_EVENT');

    // Not a participant: the good volunteers fill the round (maxClients 2), mallory is not selected.
    const E = 64;
    const frames = (overrides: Record<string, unknown> = {}) => ({
      stamp: { runId, round: 1, step: 0 },
      activations: encodeFloatFrame('activations', [2, 8, E], new Float32Array(2 * 8 * E).fill(0.1), 'float16'),
      targets: encodeIntFrame('targets', [16], new Array(16).fill(5), 'uint16'),
      lossMask: encodeIntFrame('lossMask', [16], new Array(16).fill(1), 'uint8'),
      ...overrides,
    });
    // Wait until round 1 runs with the good volunteers (they download and tokenize first).
    for (let i = 0; i < 600 && server.host.current?.machine.state !== 'training'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.host.current?.machine.state).toBe('training');
    expect(code(await send('train:activations', frames()))).toBe('NOT_SELECTED');
    // Schema violations.
    expect(code(await send('train:activations', { stamp: { runId, round: 1 } }))).toBe('BAD_REQUEST');
    expect(code(await send('train:activations', { ...frames(), activations: { name: 'a', shape: [1], dtype: 'float64', data: new Uint8Array(8) } }))).toBe('BAD_REQUEST');
    expect(code(await send('asset:chunk', { hash: 'zz', index: 0 }))).toBe('BAD_REQUEST');
    expect(code(await send('asset:chunk', { hash: '0'.repeat(64), index: 0 }))).toBe('NOT_FOUND');
    expect(code(await send('model:manifest', { runId: 'run-that-does-not-exist' }))).toBe('NO_RUN');

    // Frame checks run against a participant: make mallory one by asking the run to take it as the third client.
    const run = server.host.current!;
    const record = server.registry.bySocket(raw.id!)!;
    run.machine.participants.set(record.id, { stepsDone: 0, reported: false, tokens: 0, goneAt: null, dropped: false });
    const wrongShape = frames({ activations: encodeFloatFrame('activations', [2, 8, 32], new Float32Array(2 * 8 * 32), 'float16') });
    expect(code(await send('train:activations', wrongShape))).toBe('SHAPE_MISMATCH');
    const wrongDtype = frames({ activations: encodeFloatFrame('activations', [2, 8, E], new Float32Array(2 * 8 * E), 'float32') });
    expect(code(await send('train:activations', wrongDtype))).toBe('DTYPE');
    const nan = new Float32Array(2 * 8 * E).fill(0.5);
    nan[17] = Number.NaN;
    expect(code(await send('train:activations', frames({ activations: encodeFloatFrame('activations', [2, 8, E], nan, 'float16') })))).toBe('NON_FINITE');
    const oversize = frames({ activations: encodeFloatFrame('activations', [64, 48, E], new Float32Array(64 * 48 * E), 'float16') });
    expect(code(await send('train:activations', oversize))).toBe('TOO_LARGE');
    const truncated = frames();
    truncated.activations = { ...truncated.activations, data: (truncated.activations.data as Uint8Array).subarray(0, 100) };
    expect(code(await send('train:activations', truncated))).toBe('SHAPE_MISMATCH');
    const badTarget = frames({ targets: encodeIntFrame('targets', [16], new Array(16).fill(60000), 'uint16') });
    expect(code(await send('train:activations', badTarget))).toBe('BAD_REQUEST');
    expect(code(await send('train:activations', frames({ stamp: { runId, round: 0, step: 0 } })))).toBe('STALE');
    expect(code(await send('train:activations', frames({ stamp: { runId, round: 1, step: 3 } })))).toBe('STALE');
    expect(code(await send('train:activations', frames({ stamp: { runId: 'old-run', round: 1, step: 0 } })))).toBe('STALE');
    // A valid step from mallory works, and replaying it returns the same answer instead of training twice.
    const okStep = await send<ActivationsResponse>('train:activations', frames());
    expect(okStep.ok).toBe(true);
    const replay = await send<ActivationsResponse>('train:activations', frames());
    expect(replay.ok && okStep.ok && replay.data.loss === okStep.data.loss).toBe(true);
    // A replay with the same stamp but other content is not answered from the cache.
    const changed = frames({ activations: encodeFloatFrame('activations', [2, 8, E], new Float32Array(2 * 8 * E).fill(-0.3), 'float16') });
    expect(code(await send('train:activations', changed))).toBe('STALE');
    // A __proto__ key in a binary message (socket.io's reconstruction would make it the prototype) is refused.
    // socket.io-client would drop such a key itself, so the packet is written raw, as an attacker would.
    const next = frames({ stamp: { runId, round: 1, step: 1 } });
    const parts = [next.activations, next.targets, next.lossMask];
    const placeholders = parts.map((f, num) => ({ ...f, data: { _placeholder: true, num } }));
    const json = JSON.stringify(['train:activations', { stamp: next.stamp, activations: placeholders[0], targets: placeholders[1], lossMask: placeholders[2] }])
      .replace('{"stamp"', '{"__proto__":{"admin":true},"stamp"');
    const ackId = 900_001;
    const polluted = new Promise<Ack<unknown>>((resolve) => {
      (raw as unknown as { acks: Record<number, (r: Ack<unknown>) => void> }).acks[ackId] = resolve;
    });
    raw.io.engine.write(`5${parts.length}-${ackId}${json}`);
    for (const part of parts) raw.io.engine.write(part.data as Uint8Array as never);
    expect(code(await polluted)).toBe('BAD_REQUEST');
    run.machine.participants.delete(record.id);

    // The well-behaved volunteers were not disturbed.
    volunteer.volunteer.resume();
    partner.volunteer.resume();
    expect(await volunteer.done).toBe('finished');
    expect(await partner.done).toBe('finished');
    const health = await (await fetch(`${server.url}/healthz`)).json() as { ok: boolean };
    expect(health.ok).toBe(true);
  }, 300_000);

  it('rate-limits a client that floods the server', async () => {
    const flood = io(server.url, { forceNew: true, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => flood.once('connect', () => r()));
    const acks = await Promise.all(Array.from({ length: 260 }, () => flood.timeout(30_000).emitWithAck('client:status', { state: 'idle', tokensPerSecond: 0 }) as Promise<Ack<unknown>>));
    expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    flood.disconnect();
  });
});
