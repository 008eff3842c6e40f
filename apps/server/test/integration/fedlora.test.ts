// Federated LoRA (method fedlora) on the real server with three Node volunteers, two rounds: each tab holds the whole
// model, trains LoRA on every block locally and uploads its whole adapter. The eval loss drops, the server refuses
// split steps from the tabs, and each round's global adapter equals an independent token-weighted FedAvg of the
// adapters the tabs uploaded (round 1: the adapter round 2 starts from; round 2: the saved PEFT adapter), which is
// also the run's exported adapter.
import { join } from 'node:path';
import { adapterLayout, gpt2Config, importPeftAdapter, type NamedHostTensors, PAPER_LORA } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import {
  type Ack, decodeFloatFrame, encodeFloatFrame, encodeIntFrame, type FrameBundle, type RoundRecord, type RoundStart, unpackFrames,
} from '@splitlora/protocol';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const hostOf = (bundle: FrameBundle): NamedHostTensors =>
  Object.fromEntries(unpackFrames(bundle).map((f) => [f.name, { shape: f.shape, data: decodeFloatFrame(f) }]));

/** The token-weighted mean of the uploads, computed here in float64, independently of the server's FedAvg. */
function weightedMean(uploads: readonly { adapter: NamedHostTensors; tokens: number }[]): Record<string, Float64Array> {
  const total = uploads.reduce((s, u) => s + u.tokens, 0);
  const out: Record<string, Float64Array> = {};
  for (const name of Object.keys(uploads[0]!.adapter)) {
    const sum = new Float64Array(uploads[0]!.adapter[name]!.data.length);
    for (const u of uploads) u.adapter[name]!.data.forEach((x, i) => (sum[i]! += (u.tokens / total) * x));
    out[name] = sum;
  }
  return out;
}

function maxDifference(a: NamedHostTensors, b: Record<string, Float64Array>): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let max = 0;
  for (const [name, t] of Object.entries(a)) t.data.forEach((x, i) => (max = Math.max(max, Math.abs(x - b[name]![i]!))));
  return max;
}

describe('fedlora with three volunteers', () => {
  const ctx = useServerWithAdmin();

  it('finishes two rounds: the eval loss drops and the global adapter is the token-weighted FedAvg of the uploads', async () => {
    const server = ctx.server();
    const admin = ctx.admin();
    const shards = await e2eShards(3);
    const uploads: { round: number; adapter: NamedHostTensors; tokens: number }[] = [];
    const starts: RoundStart[] = [];
    const sent = new Set<string>();
    const refusals: Ack<unknown>[] = [];
    const volunteers = shards.map((shard, i) => {
      const v = startVolunteer(server.url, shard, `node-${i}`);
      v.socket.onAnyOutgoing((event: string, payload: { stamp: { round: number }; adapter: FrameBundle; tokens: number }) => {
        sent.add(event);
        if (event === 'round:update') uploads.push({ round: payload.stamp.round, adapter: hostOf(payload.adapter), tokens: payload.tokens });
      });
      v.socket.onAny((event: string, msg: RoundStart) => {
        if (event === 'round:start') starts.push(msg);
      });
      return v;
    });
    // A tab that sends a split step anyway is refused with a clear code, and trains on.
    const first = volunteers[0]!;
    first.onFirst((e) => e.type === 'step' && e.step === 0, () => {
      first.volunteer.pause();
      const run = server.host.current!;
      const step = {
        stamp: { runId: run.runId, round: 1, step: 1 }, activations: encodeFloatFrame('activations', [1, 8, 64], new Float32Array(8 * 64), 'float16'),
        targets: encodeIntFrame('targets', [8], new Array(8).fill(5), 'uint16'), lossMask: encodeIntFrame('lossMask', [8], new Array(8).fill(1), 'uint8'),
      };
      void (first.socket as unknown as Socket).timeout(60_000).emitWithAck('train:activations', step).then((ack: Ack<unknown>) => {
        refusals.push(ack);
        first.volunteer.resume();
      });
    });
    const run = await createAndStart(admin, testRunConfig({ method: 'fedlora', lr: 5e-3, batchSize: 2, evalSamples: 16 }));
    const layout = adapterLayout(gpt2Config('tiny'), PAPER_LORA, 0, gpt2Config('tiny').n_layer);
    expect(run.modelSummary?.clientTrainable).toBe(Object.values(layout).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0));
    expect(run.modelSummary?.serverTrainable).toBe(0);
    const outcomes = await Promise.all(volunteers.map((v) => v.done));
    expect(outcomes, JSON.stringify(volunteers.flatMap((v) => v.events.filter((e) => e.type === 'error')))).toEqual(['finished', 'finished', 'finished']);

    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.ok).toBe(false);
    if (!refusals[0]!.ok) {
      expect(refusals[0]!.error.code).toBe('BAD_REQUEST');
      expect(refusals[0]!.error.message).toContain('method fedlora trains inside the tab');
    }
    expect([...sent].sort()).toEqual(expect.arrayContaining(['train:local-step', 'round:update']));

    const metrics = await adminRequest(admin, 'metrics:history', { runId: run.runId });
    const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
    expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    console.log(`fedlora: eval loss ${rounds.map((r) => r.evalLoss!.toFixed(4)).join(' → ')}, bytes up per round ${rounds.slice(1).map((r) => r.bytesUp).join(', ')}`);
    expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);

    // Every upload is the whole model's adapter (every block), in fp32.
    expect(uploads).toHaveLength(6);
    for (const u of uploads) expect(Object.fromEntries(Object.entries(u.adapter).map(([n, t]) => [n, t.shape]))).toEqual(layout);
    expect(starts.every((s) => s.blockTask === undefined)).toBe(true);

    // Round 1's aggregate is what every tab starts round 2 from.
    const round2Starts = starts.filter((s) => s.round === 2);
    expect(round2Starts).toHaveLength(3);
    const expected1 = weightedMean(uploads.filter((u) => u.round === 1));
    for (const start of round2Starts) {
      const diff = maxDifference(hostOf(start.adapter), expected1);
      console.log(`fedlora: round 1 global vs independent FedAvg, max |diff| ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-6);
    }
    // Round 2's aggregate is the run's saved PEFT adapter (the client adapter covers every block; no server adapter).
    const roundDir = join(server.host.current!.runDir, 'rounds', '0002');
    const saved = await importPeftAdapter(gpt2Config('tiny'), dirSource(join(roundDir, 'client-adapter')));
    const diff2 = maxDifference(saved.tensors, weightedMean(uploads.filter((u) => u.round === 2)));
    console.log(`fedlora: round 2 saved adapter vs independent FedAvg, max |diff| ${diff2.toExponential(2)}`);
    expect(diff2).toBeLessThan(1e-6);
    expect(saved.layers).toEqual(Array.from({ length: gpt2Config('tiny').n_layer }, (_, i) => i));

    // The run's export is a PEFT adapter of the whole model (as splitlora's), equal to the saved global adapter; no
    // Hugging Face checkpoint (no base weight changed) and no server adapter.
    const live = server.host.current!;
    expect(await live.exportModel()).toBeNull();
    const exported = await importPeftAdapter(gpt2Config('tiny'), dirSource(await live.exportCombined()));
    expect(maxDifference(exported.tensors, Object.fromEntries(Object.entries(saved.tensors).map(([n, t]) => [n, Float64Array.from(t.data)])))).toBe(0);
    await expect(live.adapterFiles(2, 'server')).rejects.toThrow('no server adapter saved for round 2');
  }, 400_000);
});
