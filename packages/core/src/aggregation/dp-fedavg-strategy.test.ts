// DP-FedAvg as a run's strategy: σ = 0 with a large clip equals plain FedAvg; with noise the global update matches the
// calibrated Gaussian (seeded); a poisoned update moves the global adapter by at most C/n plus the noise; ε is
// reported per round as the accountant computes it; the budget stops or warns.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '../data/rng.js';
import { l2Norm } from '../privacy/dp/dp-fedavg.js';
import { RdpAccountant } from '../privacy/dp/rdp-accountant.js';
import { flatLayoutOf, flattenAdapter } from '../privacy/flat-adapter.js';
import { GaussianNoise } from '../privacy/random/gaussian-noise.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import { maxAbsDiff } from '../test-support/fixtures.js';
import { fedAvgHost } from '../train/fedavg.js';
import type { FitRound, WeightedUpdate } from './aggregation-strategy.js';
import { DpFedAvgStrategy, PrivacyBudgetSpent } from './dp-fedavg-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';
import { strategyFor } from './strategy-for.js';

const SHAPES = { 'h.0.attn.c_attn.lora_A.weight': [4, 2000], 'h.0.attn.c_attn.lora_B.weight': [3000, 4] }; // 20,000 elements

function tensors(seed: number, std: number, base?: NamedHostTensors): NamedHostTensors {
  const rng = createRng(seed);
  return Object.fromEntries(Object.entries(SHAPES).map(([name, shape]) => {
    const data = normalSamples(rng, shape[0]! * shape[1]!, std);
    if (base !== undefined) data.forEach((v, i) => (data[i] = v + base[name]!.data[i]!));
    return [name, { shape, data }];
  }));
}

const global = tensors(1, 0.05);
const layout = flatLayoutOf(global);
const flat = (t: NamedHostTensors) => flattenAdapter(t, layout, 'test');
const updates: WeightedUpdate[] = [2, 3, 4].map((seed) => ({ source: `v${seed}`, adapter: tensors(seed, 0.001, global), weight: 1 }));
const round: FitRound = { round: 1, participants: updates.map((u) => u.source), global };
const dp = (over: object = {}) => ({ noiseMultiplier: 1, clipNorm: 0.5, delta: 1e-5, epsilonBudget: null, onBudgetSpent: 'stop' as const, ...over });

describe('DpFedAvgStrategy', () => {
  it('noise 0 and a clip above every update equal plain FedAvg (equal weights)', () => {
    const strategy = new DpFedAvgStrategy(dp({ noiseMultiplier: 0, clipNorm: 1e6 }), { expectedParticipants: 3, noise: GaussianNoise.fromSeed(1) });
    strategy.configureFit(round);
    const { global: next, privacy } = strategy.aggregateFit(round, updates);
    const diff = maxAbsDiff(flat(next), flat(fedAvgHost(updates)));
    console.log(`DP strategy σ=0 vs FedAvg: max |diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-7);
    expect(privacy?.dp).toMatchObject({ epsilon: null, clipped: 0, noiseStd: 0 });
  });

  it('with noise the global update is the mean plus N(0, (σC/n)²), seeded', () => {
    const config = dp({ noiseMultiplier: 2, clipNorm: 0.3 });
    const strategy = new DpFedAvgStrategy(config, { expectedParticipants: 4, noise: GaussianNoise.fromSeed(7) });
    const noisy = flat(strategy.aggregateFit(round, updates).global);
    const clean = flat(new DpFedAvgStrategy(dp({ noiseMultiplier: 0, clipNorm: 0.3 }), { expectedParticipants: 4 }).aggregateFit(round, updates).global);
    const residual = noisy.map((v, i) => v - clean[i]!);
    const n = residual.length;
    const mean = residual.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(residual.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const expected = (2 * 0.3) / 4;
    console.log(`DP strategy noise: mean ${mean.toExponential(2)}, std ${std.toFixed(5)} vs σC/n ${expected.toFixed(5)} over ${n}`);
    expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(n));
    expect(Math.abs(std / expected - 1)).toBeLessThan(5 / Math.sqrt(2 * n) + 1e-3);
    let beyond = 0;
    for (const v of residual) if (Math.abs(v) > 2 * expected) beyond++;
    expect(Math.abs(beyond / n - 0.0455)).toBeLessThan(0.006); // P(|Z| > 2)
  });

  it('a poisoned update (norm × 1e6) changes the global adapter by at most the clip norm plus the noise', () => {
    const config = dp({ noiseMultiplier: 1, clipNorm: 0.2 });
    const honest = updates.slice(0, 2);
    const poison = tensors(9, 0.001);
    for (const t of Object.values(poison)) t.data.forEach((v, i) => (t.data[i] = v * 1e6 + global[Object.keys(poison).find((k) => poison[k] === t)!]!.data[i]!));
    const withAttacker = flat(new DpFedAvgStrategy(config, { expectedParticipants: 3, noise: GaussianNoise.fromSeed(3) }).aggregateFit(round, [...honest, { source: 'attacker', adapter: poison, weight: 1e9 }]).global);
    const without = flat(new DpFedAvgStrategy(config, { expectedParticipants: 3, noise: GaussianNoise.fromSeed(3) }).aggregateFit(round, honest).global);
    const noiseFree = flat(new DpFedAvgStrategy(dp({ noiseMultiplier: 0, clipNorm: 0.2 }), { expectedParticipants: 3 }).aggregateFit(round, [...honest, { source: 'attacker', adapter: poison, weight: 1e9 }]).global);
    const influence = l2Norm(withAttacker.map((v, i) => v - without[i]!));
    const old = flat(global);
    const noiseNorm = l2Norm(withAttacker.map((v, i) => v - noiseFree[i]!));
    const change = l2Norm(withAttacker.map((v, i) => v - old[i]!));
    console.log(`poisoned: influence ${influence.toFixed(4)} ≤ C/n ${(0.2 / 3).toFixed(4)}; change ${change.toFixed(4)} ≤ C + ‖noise‖ ${(0.2 + noiseNorm).toFixed(4)}`);
    expect(influence).toBeLessThanOrEqual((0.2 / 3) * (1 + 1e-5));
    expect(change).toBeLessThanOrEqual(0.2 + noiseNorm + 1e-5);
  });

  it('reports ε per round as the RDP accountant computes it, and continues a resumed run', () => {
    const strategy = new DpFedAvgStrategy(dp(), { expectedParticipants: 3, noise: GaussianNoise.fromSeed(1) });
    const reference = new RdpAccountant();
    for (let r = 1; r <= 3; r++) {
      reference.record({ sampleRate: 1, noiseMultiplier: 1, steps: 1 });
      expect(strategy.aggregateFit({ ...round, round: r }, updates).privacy?.dp?.epsilon).toBeCloseTo(reference.epsilon(1e-5).epsilon, 12);
    }
    const resumed = new DpFedAvgStrategy(dp(), { expectedParticipants: 3, roundsDone: 3 });
    expect(resumed.epsilon()).toBeCloseTo(strategy.epsilon()!, 12);
  });

  it('stops before a round that would pass the budget, or warns and runs it', () => {
    // a budget between ε after 2 and after 3 rounds (σ = 1, q = 1, δ = 1e-5)
    const twoRounds = new RdpAccountant().record({ sampleRate: 1, noiseMultiplier: 1, steps: 2 }).epsilon(1e-5).epsilon;
    const threeRounds = new RdpAccountant().record({ sampleRate: 1, noiseMultiplier: 1, steps: 3 }).epsilon(1e-5).epsilon;
    const budget = (twoRounds + threeRounds) / 2;
    const stop = new DpFedAvgStrategy(dp({ epsilonBudget: budget }), { expectedParticipants: 3 });
    for (let r = 1; r <= 2; r++) {
      stop.configureFit({ ...round, round: r });
      stop.aggregateFit({ ...round, round: r }, updates);
    }
    expect(() => stop.configureFit({ ...round, round: 3 })).toThrow(PrivacyBudgetSpent);
    expect(() => stop.configureFit({ ...round, round: 3 })).toThrow(/past the target .*the run stops/);
    const warn = new DpFedAvgStrategy(dp({ epsilonBudget: budget, onBudgetSpent: 'warn' }), { expectedParticipants: 3, roundsDone: 2 });
    warn.configureFit({ ...round, round: 3 });
    const dpFigures = warn.aggregateFit({ ...round, round: 3 }, updates).privacy?.dp;
    expect(dpFigures?.epsilon).toBeCloseTo(threeRounds, 10);
    expect(dpFigures?.budgetWarning).toMatch(/running it anyway/);
  });

  it('under secure aggregation adds the noised sum over n (σ = 0: sum / n); FedAvg adds sum / survivors', () => {
    const sum = new Float64Array(layout.length);
    const old = flat(global);
    for (const u of updates) flat(u.adapter).forEach((v, i) => (sum[i]! += v - old[i]!));
    const masked = { sum, survivors: ['v2', 'v3', 'v4'], dropped: ['v5'], errorBound: 1e-9 };
    const dpSum = new DpFedAvgStrategy(dp({ noiseMultiplier: 0 }), { expectedParticipants: 4 }).aggregateSum(round, masked);
    const fedSum = new FedAvgStrategy().aggregateSum(round, masked);
    expect(maxAbsDiff(flat(dpSum.global).map((v, i) => v - old[i]!), sum.map((v) => v / 4))).toBeLessThan(1e-7);
    expect(maxAbsDiff(flat(fedSum.global), flat(fedAvgHost(updates)))).toBeLessThan(1e-7);
    expect(dpSum.privacy).toMatchObject({ dp: { clipped: null }, secureAggregation: { survivors: 3, dropped: 1, errorBound: 1e-9 } });
    expect(fedSum.privacy).toEqual({ dp: null, secureAggregation: { survivors: 3, dropped: 1, errorBound: 1e-9 } });
  });

  it('is chosen by strategyFor when the run config has dp, with n = maxClients', () => {
    const config = runConfigSchema.parse({ dp: { noiseMultiplier: 1 }, maxClients: 5 });
    const strategy = strategyFor(config, { roundsDone: 1 });
    expect(strategy.name).toBe('dp-fedavg');
    expect((strategy as DpFedAvgStrategy).aggregateFit(round, updates).privacy?.dp?.noiseStd).toBeCloseTo(0.1 / 5, 12);
    expect(strategyFor(runConfigSchema.parse({})).name).toBe('fedavg');
    expect(() => runConfigSchema.parse({ dp: { noiseMultiplier: -1 } })).toThrow();
    expect(() => new DpFedAvgStrategy(dp({ noiseMultiplier: 0, epsilonBudget: 3 }), { expectedParticipants: 3 })).toThrow(/ε budget needs a noise multiplier > 0/);
  });
});
