// U-shaped runs: three real volunteers train two rounds with the head kept in the tab (SFL-V2 and SFL-V1). Every
// message a volunteer sends is captured: no target, mask, loss or token id leaves it — only float activations and
// gradients, the adapter and the held-out evaluation — and the eval loss the tabs measure drops.
import { isTensorFrameLike as isFrame, labelLeaks as leaks, type RoundRecord } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adminRequest, createAndStart, e2eShards, startVolunteer, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const FRAME_FIELDS = ['activations', 'gradient', 'adapter'];

/** SFL-V2 is evaluated in the tabs (no eval file), SFL-V1 on the server's public eval set. */
const CASES = [{ sfl: 'v2', evalData: null }, { sfl: 'v1', evalData: 'e2e/testset_w_refs.csv' }] as const;

for (const { sfl, evalData } of CASES) {
  describe(`u-shaped SFL-${sfl.toUpperCase()} with three volunteers, evaluated ${evalData === null ? 'in the tabs' : 'on the server'}`, () => {
    const ctx = useServerWithAdmin();

    it('trains two rounds with no target, mask, loss or token id leaving the tabs, and the eval loss drops', async () => {
      const server = ctx.server();
      const admin = ctx.admin();
      const shards = await e2eShards(3);
      const sent: { event: string; payload: unknown }[] = [];
      const volunteers = shards.map((shard, i) => {
        const v = startVolunteer(server.url, shard, `u-${i}`);
        v.socket.onAnyOutgoing((event: string, payload: unknown) => sent.push({ event, payload }));
        return v;
      });
      // The tab also runs the head here: on a loaded test machine a round takes longer than the harness's 120 s default.
      const run = await createAndStart(admin, testRunConfig({ sfl, layout: 'u-shaped', evalData, roundTimeoutSec: 900 }));
      expect(run.config.layout).toBe('u-shaped');
      const outcomes = await Promise.all(volunteers.map((v) => v.done));
      expect(outcomes).toEqual(['finished', 'finished', 'finished']);

      const counts = new Map<string, number>();
      for (const { event } of sent) counts.set(event, (counts.get(event) ?? 0) + 1);
      expect(counts.get('train:activations') ?? 0).toBe(0);
      expect(counts.get('ushaped:forward')).toBe(3 * 3 * 2);
      expect(counts.get('ushaped:backward')).toBe(3 * 3 * 2);
      // The tabs evaluate their held-out share only when the server has no eval set.
      if (evalData === null) expect(counts.get('ushaped:eval')).toBeGreaterThanOrEqual(3 * 2);
      else expect(counts.get('ushaped:eval') ?? 0).toBe(0);
      expect(counts.get('round:update')).toBe(3 * 2);
      const problems = sent.flatMap(({ event, payload }) => leaks(event, payload));
      expect(problems).toEqual([]);
      for (const { event, payload } of sent) {
        if (!event.startsWith('ushaped:')) continue;
        const frames = Object.entries(payload as Record<string, unknown>).filter(([, v]) => isFrame(v));
        expect(frames.map(([k]) => k).every((k) => FRAME_FIELDS.includes(k))).toBe(true);
      }
      const updates = sent.filter((s) => s.event === 'round:update').map((s) => s.payload as { heldOut?: { meanLoss: number; tokens: number }; meanLoss?: number });
      expect(updates.every((u) => u.meanLoss === undefined && (u.heldOut !== undefined) === (evalData === null))).toBe(true);

      const metrics = await adminRequest(admin, 'metrics:history', { runId: run.runId });
      const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
      expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
      const steps = metrics.filter((m) => m.kind === 'step');
      expect(steps).toHaveLength(3 * 3 * 2);
      expect(steps.every((s) => s.loss === null)).toBe(true); // the server knows no step loss
      expect(rounds.slice(1).every((r) => r.trainLoss === null && r.clients === 3)).toBe(true);
      console.log(`u-shaped SFL-${sfl}: eval loss (${evalData === null ? 'tabs, held-out' : 'server eval set'}) ${rounds.map((r) => r.evalLoss?.toFixed(4) ?? '—').join(' → ')}`);
      if (evalData === null) {
        expect(rounds[0]!.evalLoss).toBeNull(); // no tab has evaluated before training
        expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[1]!.evalLoss!);
      } else {
        expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);
      }
    }, 600_000);
  });
}
