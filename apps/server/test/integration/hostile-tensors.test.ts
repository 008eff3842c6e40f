// Hostile tensors cannot hurt a run: an update of ±3e38, of 50s or with a scale of 1e-300 and activations of absurd
// magnitude get an error code, the global adapter stays finite and near its norm, the honest volunteers keep
// training; and a run whose client adapter has more than 10 tensors trains (one binary buffer per message).
import type { NamedHostTensors } from '@splitlora/core';
import {
  type Ack, encodeFloatFrame, encodeIntFrame, type JoinResponse, packFrames, PROTOCOL_VERSION, type TensorFrame,
} from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createAndStart, runMetrics, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const norm = (t: NamedHostTensors) => Math.sqrt(Object.values(t).reduce((s, x) => s + x.data.reduce((a, v) => a + v * v, 0), 0));
const allFinite = (t: NamedHostTensors) => Object.values(t).every((x) => x.data.every(Number.isFinite));
const frames = (t: NamedHostTensors, value: (v: number, i: number) => number): TensorFrame[] =>
  Object.entries(t).map(([name, x]) => encodeFloatFrame(name, x.shape, x.data.map(value), 'float32'));

describe('hostile tensors', () => {
  const ctx = useServerWithAdmin();
  let raw: Socket | null = null;
  afterAll(() => raw?.disconnect());

  it('answers absurd updates and activations with a code; the global adapter and the honest losses stay finite', async () => {
    const server = ctx.server();
    const volunteers = await startVolunteers(server.url, 2, 'honest');
    for (const v of volunteers) v.onFirst((event) => event.type === 'step' && event.step === 0, () => v.volunteer.pause());
    raw = io(server.url, { forceNew: true, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => raw!.once('connect', () => r()));
    const send = async (event: string, payload: unknown) => (await raw!.timeout(60_000).emitWithAck(event, payload)) as Ack<unknown>;
    const code = (ack: Ack<unknown>) => (ack.ok ? 'OK' : ack.error.code);
    expect((await send('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node', name: 'mallory' }) as Ack<JoinResponse>).ok).toBe(true);

    const created = await createAndStart(ctx.admin(), testRunConfig({ minClients: 2, maxClients: 2, rounds: 2, localSteps: 3 }));
    const runId = created.runId;
    for (let i = 0; i < 600 && server.host.current?.machine.state !== 'training'; i++) await new Promise((r) => setTimeout(r, 100));
    const run = server.host.current!;
    const before = run.globalClient;
    const normBefore = norm(before);
    // Mallory made a participant that did its local steps, so its update reaches the checks.
    const mallory = server.registry.bySocket(raw.id!)!;
    run.machine.participants.set(mallory.id, { stepsDone: 3, reported: false, tokens: 0, goneAt: null, dropped: false });
    const update = (adapter: TensorFrame[]) => ({ stamp: { runId, round: 1, step: 3 }, adapter: packFrames(adapter), tokens: 100, meanLoss: 1, seconds: 1 });
    expect(code(await send('round:update', update(frames(before, (_, i) => (i % 2 ? 3e38 : -3e38)))))).toBe('OUT_OF_RANGE');
    expect(code(await send('round:update', update(frames(before, () => 50))))).toBe('OUT_OF_RANGE');
    const tinyScale = frames(before, () => 1).map((f) => ({ ...f, scale: 1e-300 }));
    expect(code(await send('round:update', update(tinyScale)))).toBe('BAD_REQUEST');
    // A finite scale that still overflows float32 once divided out.
    const overflow = frames(before, () => 1e30).map((f) => ({ ...f, scale: 2 ** -60 }));
    expect(code(await send('round:update', update(overflow)))).toBe('NON_FINITE');

    // Activations: a huge magnitude, and a tiny scale, are refused before they reach the shared server adapter.
    run.machine.participants.get(mallory.id)!.stepsDone = 0;
    const E = 64;
    const step = (activations: TensorFrame) => ({
      stamp: { runId, round: 1, step: 0 }, activations,
      targets: encodeIntFrame('targets', [16], new Array(16).fill(5), 'uint16'), lossMask: encodeIntFrame('lossMask', [16], new Array(16).fill(1), 'uint8'),
    });
    const huge = { ...encodeFloatFrame('activations', [2, 8, E], new Float32Array(2 * 8 * E).fill(1), 'float16'), scale: 2 ** -30 };
    expect(code(await send('train:activations', step(huge)))).toBe('OUT_OF_RANGE');
    const scaled = { ...encodeFloatFrame('activations', [2, 8, E], new Float32Array(2 * 8 * E).fill(1), 'float16'), scale: 1e-300 };
    expect(code(await send('train:activations', step(scaled)))).toBe('BAD_REQUEST');
    run.machine.participants.delete(mallory.id);

    for (const v of volunteers) v.volunteer.resume();
    expect(await Promise.all(volunteers.map((v) => v.done))).toEqual(['finished', 'finished']);
    const after = run.globalClient;
    expect(allFinite(after)).toBe(true);
    expect(Math.abs(norm(after) - normBefore)).toBeLessThan(0.5 * normBefore);
    const metrics = await runMetrics(ctx.admin(), runId);
    const losses = metrics.all.flatMap((m) => (m.kind === 'step' ? [m.loss] : []));
    expect(losses.length).toBe(2 * 3 * 2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(metrics.round(2)?.evalLoss).toSatisfy(Number.isFinite);
  }, 300_000);
});

describe('adapters of any size', () => {
  const ctx = useServerWithAdmin();

  it('trains a run whose client adapter has more than 10 tensors (LoRA on c_attn and c_proj at cut 3)', async () => {
    const server = ctx.server();
    const [volunteer] = await startVolunteers(server.url, 1, 'wide');
    const lora = { r: 2, lora_alpha: 4, lora_dropout: 0, target_modules: ['c_attn', 'c_proj'] as ('c_attn' | 'c_proj')[], enable_lora: null };
    const created = await createAndStart(ctx.admin(), testRunConfig({ minClients: 1, maxClients: 1, rounds: 2, localSteps: 2, lora, cut: 3 }));
    expect(await volunteer!.done).toBe('finished');
    expect(Object.keys(server.host.current!.globalClient).length).toBeGreaterThan(10);
    const metrics = await runMetrics(ctx.admin(), created.runId);
    expect(metrics.round(2)?.clients).toBe(1);
  }, 300_000);
});
