// A DP-FedAvg run with three real volunteers: every round's record carries ε as the RDP accountant computes it, the
// global adapter moves by at most C (plus noise) per round, and the run stops before the round that would pass the
// ε budget.
import { join } from 'node:path';
import { gpt2Config, importPeftAdapter, l2Norm, RdpAccountant } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { describe, expect, it } from 'vitest';
import type { RoundRecord } from '@splitlora/protocol';
import { createAndStart, startVolunteers, testRunConfig, useServerWithAdmin } from '../support/harness.js';

describe('a DP-FedAvg run', () => {
  const ctx = useServerWithAdmin();

  it('reports ε per round and stops before the round that would pass the budget', async () => {
    const server = ctx.server();
    const admin = ctx.admin();
    const epsilonAfter = (rounds: number) => new RdpAccountant().record({ sampleRate: 1, noiseMultiplier: 1, steps: rounds }).epsilon(1e-5).epsilon;
    const budget = (epsilonAfter(2) + epsilonAfter(3)) / 2;
    const volunteers = await startVolunteers(server.url, 3, 'dp');
    const run = await createAndStart(admin, testRunConfig({
      rounds: 4, dp: { noiseMultiplier: 1, clipNorm: 0.02, delta: 1e-5, epsilonBudget: budget, onBudgetSpent: 'stop' },
    }));
    const outcomes = await Promise.all(volunteers.map((v) => v.done));
    expect(outcomes).toEqual(['finished', 'finished', 'finished']);
    // Read from the server object: on a loaded machine the admin socket may time out during the long run.
    const current = server.host.current!;
    expect([current.runId, current.machine.state]).toEqual([run.runId, 'stopped']);
    const records = current.metricHistory().filter((m): m is RoundRecord => m.kind === 'round');
    const metrics = { round: (n: number) => records.find((r) => r.round === n) };
    for (const r of [1, 2]) {
      const dp = metrics.round(r)?.privacy?.dp;
      console.log(`DP run round ${r}: ε = ${dp?.epsilon?.toFixed(4)} (budget ${budget.toFixed(3)}), noise std ${dp?.noiseStd.toExponential(2)}`);
      expect(dp?.epsilon).toBeCloseTo(epsilonAfter(r), 10);
      expect(dp).toMatchObject({ delta: 1e-5, noiseMultiplier: 1, clipNorm: 0.02, epsilonBudget: budget, clipped: expect.any(Number) });
    }
    expect(metrics.round(3)).toBeUndefined();

    // Round 2 moved the global client adapter by at most C/n per volunteer (3·C/3 = C) plus the noise (std σC/n per element).
    const config = gpt2Config('tiny');
    const read = async (round: string) => (await importPeftAdapter(config, dirSource(join(server.host.current!.runDir, 'rounds', round, 'client-adapter')))).tensors;
    const [before, after] = await Promise.all([read('0001'), read('0002')]);
    const diff: number[] = [];
    for (const name of Object.keys(after).sort()) after[name]!.data.forEach((v, i) => diff.push(v - before[name]!.data[i]!));
    const noiseBound = (1 * 0.02 / 3) * Math.sqrt(diff.length) * 1.1; // ‖N(0, s²I_d)‖ ≈ s√d, with 10 % slack
    console.log(`DP run: round 2 moved the global adapter by ${l2Norm(diff).toFixed(4)} ≤ C + noise ${(0.02 + noiseBound).toFixed(4)}`);
    expect(l2Norm(diff)).toBeLessThanOrEqual(0.02 + noiseBound);
  }, 600_000);
});
