// DP-FedAvg and secure aggregation over federated LoRA's whole-model adapters, on the real server with three Node
// volunteers, one round each: with DP (σ = 0, so the result is exact) the new global adapter is the start plus the
// sum of the uploads' updates, each clipped to C, over maxClients; with secure aggregation (and DP) no adapter is sent
// in the clear and the server's aggregate equals the plain sum of the volunteers' clipped updates.
import { join } from 'node:path';
import { flatLayoutOf, flattenAdapter, gpt2Config, importPeftAdapter, type NamedHostTensors } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { decodeFloatFrame, type FrameBundle, type RoundRecord, type RoundStart, unpackFrames } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const CLIP = 0.02;

const flatOf = (bundle: FrameBundle): Float64Array => {
  const table: NamedHostTensors = Object.fromEntries(unpackFrames(bundle).map((f) => [f.name, { shape: f.shape, data: decodeFloatFrame(f) }]));
  return flattenAdapter(table, flatLayoutOf(table), 'frames');
};

describe('fedlora with privacy options', () => {
  const ctx = useServerWithAdmin();

  async function oneRound(overrides: Parameters<typeof testRunConfig>[0]) {
    const server = ctx.server();
    const uploads: Float64Array[] = [];
    const observed: Float64Array[] = [];
    const outgoing = new Set<string>();
    let start: FrameBundle | null = null;
    const volunteers = (await e2eShards(3)).map((shard, i) => {
      const v = startVolunteer(server.url, shard, `private-${i}`, { observeUpdate: (_round, update) => observed.push(Float64Array.from(update)) });
      v.socket.onAnyOutgoing((event: string, payload: { adapter: FrameBundle }) => {
        outgoing.add(event);
        if (event === 'round:update') uploads.push(flatOf(payload.adapter));
      });
      v.socket.on('round:start', (msg: RoundStart) => (start = msg.adapter));
      return v;
    });
    const run = await createAndStart(ctx.admin(), testRunConfig({ method: 'fedlora', rounds: 1, lr: 5e-3, batchSize: 2, evalSamples: 8, ...overrides }));
    const outcomes = await Promise.all(volunteers.map((v) => v.done));
    expect(outcomes, JSON.stringify(volunteers.flatMap((v) => v.events.filter((e) => e.type === 'error')))).toEqual(['finished', 'finished', 'finished']);
    const record = (await adminRequest(ctx.admin(), 'metrics:history', { runId: run.runId })).find((m): m is RoundRecord => m.kind === 'round' && m.round === 1)!;
    const saved = await importPeftAdapter(gpt2Config('tiny'), dirSource(join(server.host.current!.runDir, 'rounds', '0001', 'client-adapter')));
    const after = flattenAdapter(saved.tensors, flatLayoutOf(saved.tensors), 'the saved global adapter');
    return { before: flatOf(start!), after, uploads, observed, outgoing, record };
  }

  it('DP-FedAvg (σ = 0): the global step is the sum of the clipped whole-adapter updates over maxClients', async () => {
    const { before, after, uploads, record } = await oneRound({ dp: { noiseMultiplier: 0, clipNorm: CLIP } });
    expect(uploads).toHaveLength(3);
    expect(record.privacy?.dp?.noiseMultiplier).toBe(0);
    const expected = new Float64Array(before.length);
    for (const upload of uploads) {
      const update = upload.map((x, i) => x - before[i]!);
      const norm = Math.sqrt(update.reduce((s, x) => s + x * x, 0));
      expect(norm).toBeGreaterThan(CLIP); // the clip is active, so the check means something
      update.forEach((x, i) => (expected[i]! += (x * Math.min(1, CLIP / norm)) / 3));
    }
    const worst = after.reduce((m, x, i) => Math.max(m, Math.abs(x - before[i]! - expected[i]!)), 0);
    console.log(`fedlora + DP: global step vs independent clipped mean, max |diff| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
  }, 300_000);

  it('secure aggregation (with DP clipping): no adapter in the clear, and the aggregate is the sum of the clipped updates', async () => {
    const { before, after, observed, outgoing, record } = await oneRound({ secureAggregation: true, minClients: 3, dp: { noiseMultiplier: 0, clipNorm: CLIP } });
    expect(outgoing.has('round:update')).toBe(false);
    expect(outgoing.has('secagg:masked-input')).toBe(true);
    expect(observed).toHaveLength(3);
    expect(record.privacy?.secureAggregation?.survivors).toBe(3);
    const errorBound = record.privacy!.secureAggregation!.errorBound;
    let worst = 0;
    for (let i = 0; i < after.length; i++) worst = Math.max(worst, Math.abs((after[i]! - before[i]!) * 3 - observed.reduce((s, u) => s + u[i]!, 0)));
    console.log(`fedlora + secure aggregation: aggregate vs plain sum, max |diff| ${worst.toExponential(2)} (bound ${errorBound.toExponential(2)})`);
    expect(worst).toBeLessThanOrEqual(errorBound + 3 * 2 * 2 ** -24);
  }, 300_000);
});
