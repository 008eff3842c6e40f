// Three real volunteers train two rounds against a real server, in SFL-V2 and SFL-V1: the eval loss drops, and the
// global adapter is exactly the token-weighted mean of the uploaded adapters.
import { join } from 'node:path';
import { decodeFloatFrame, type FrameBundle, type RoundRecord, type TensorFrame, unpackFrames } from '@splitlora/protocol';
import { gpt2Config, importPeftAdapter } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

for (const sfl of ['v2', 'v1'] as const) {
  describe(`SFL-${sfl.toUpperCase()} with three volunteers`, () => {
    const ctx = useServerWithAdmin();

    it('finishes two rounds, the eval loss drops, and FedAvg is the token-weighted mean', async () => {
      const server = ctx.server();
      const admin = ctx.admin();
      const shards = await e2eShards(3);
      const uploads = new Map<string, { round: number; tokens: number; adapter: TensorFrame[] }[]>();
      const volunteers = shards.map((shard, i) => {
        const v = startVolunteer(server.url, shard, `node-${i}`);
        v.socket.onAnyOutgoing((event: string, payload: { stamp: { round: number }; tokens: number; adapter: FrameBundle }) => {
          if (event !== 'round:update') return;
          const list = uploads.get(`node-${i}`) ?? [];
          list.push({ round: payload.stamp.round, tokens: payload.tokens, adapter: unpackFrames(payload.adapter) });
          uploads.set(`node-${i}`, list);
        });
        return v;
      });
      const run = await createAndStart(admin, testRunConfig({ sfl }));
      const outcomes = await Promise.all(volunteers.map((v) => v.done));
      expect(outcomes).toEqual(['finished', 'finished', 'finished']);

      const metrics = await adminRequest(admin, 'metrics:history', { runId: run.runId });
      const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
      expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
      console.log(`SFL-${sfl}: eval loss ${rounds.map((r) => r.evalLoss!.toFixed(4)).join(' → ')}, train loss ${rounds.slice(1).map((r) => r.trainLoss!.toFixed(4)).join(' → ')}`);
      expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);
      expect(rounds[1]!.clients).toBe(3);
      expect(rounds[1]!.bytesUp).toBeGreaterThan(0);
      expect(metrics.filter((m) => m.kind === 'step')).toHaveLength(3 * 3 * 2);

      // FedAvg computed here, independently, from what the three volunteers uploaded in round 2.
      const config = gpt2Config('tiny');
      const saved = await importPeftAdapter(config, dirSource(join(server.host.current!.runDir, 'rounds', '0002', 'client-adapter')));
      const round2 = [...uploads.values()].map((list) => list.find((u) => u.round === 2)!);
      const total = round2.reduce((s, u) => s + u.tokens, 0);
      let worst = 0;
      for (const name of Object.keys(saved.tensors)) {
        const expected = new Float64Array(saved.tensors[name]!.data.length);
        for (const u of round2) {
          const values = decodeFloatFrame(u.adapter.find((f) => f.name === name)!);
          values.forEach((v, i) => (expected[i]! += (v * u.tokens) / total));
        }
        saved.tensors[name]!.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
      }
      console.log(`SFL-${sfl}: FedAvg max |Δ| vs independent token-weighted mean = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-6);
    });
  });
}
