// DP-FedAvg: σ = 0 equals plain FedAvg of clipped updates (and, with C large, plain FedAvg); with noise the global
// update has the calibrated Gaussian's statistics (seeded); a poisoned update moves the global adapter by at most C/n.
import { describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '../../data/rng.js';
import type { NamedHostTensors } from '../../tensors/named-tensors.js';
import { fedAvgHost } from '../../train/fedavg.js';
import { maxAbsDiff } from '../../test-support/fixtures.js';
import { flatLayoutOf, flattenAdapter } from '../flat-adapter.js';
import { GaussianNoise } from '../random/gaussian-noise.js';
import { clippedUpdate, dpFedAvg, l2Norm } from './dp-fedavg.js';

const SHAPES = { 'h.0.lora_A.weight': [4, 3000], 'h.0.lora_B.weight': [5000, 4], 'h.1.lora_A.weight': [4, 3000] }; // 44,000 elements

function adapter(seed: number, std: number): NamedHostTensors {
  const rng = createRng(seed);
  return Object.fromEntries(Object.entries(SHAPES).map(([name, shape]) => [name, { shape, data: normalSamples(rng, shape[0]! * shape[1]!, std) }]));
}

function plus(a: NamedHostTensors, b: NamedHostTensors, scale = 1): NamedHostTensors {
  return Object.fromEntries(Object.entries(a).map(([name, t]) => [name, { shape: t.shape, data: t.data.map((v, i) => v + scale * b[name]!.data[i]!) }]));
}

const global = adapter(1, 0.1);
const layout = flatLayoutOf(global);
const flat = (t: NamedHostTensors) => flattenAdapter(t, layout, 'test');
const volunteers = [2, 3, 4, 5].map((seed, i) => ({ source: `v${i}`, adapter: plus(global, adapter(seed, 0.01 * (i + 1))) }));

describe('DP-FedAvg', () => {
  it('σ = 0 equals plain FedAvg of the clipped updates; with C large it equals plain FedAvg', () => {
    const C = 0.5;
    expect(volunteers.filter((v) => l2Norm(clippedUpdate(v.adapter, global, Infinity).update) > C).length).toBeGreaterThan(1); // clipping bites
    const { adapter: dp, report } = dpFedAvg(global, volunteers, { clipNorm: C, noiseMultiplier: 0, expectedParticipants: 4 }, GaussianNoise.fromSeed(1));
    const clippedAdapters = volunteers.map((v) => {
      const { update } = clippedUpdate(v.adapter, global, C);
      return { source: v.source, weight: 1, adapter: plus(global, Object.fromEntries(layout.entries.map((e) => [e.name, { shape: e.shape, data: Float32Array.from(update.subarray(e.offset, e.offset + e.length)) }]))) };
    });
    expect(maxAbsDiff(flat(dp), flat(fedAvgHost(clippedAdapters)))).toBeLessThan(1e-6);
    expect(report.clipped).toBeGreaterThan(1);
    const big = dpFedAvg(global, volunteers, { clipNorm: 1e9, noiseMultiplier: 0, expectedParticipants: 4 }, GaussianNoise.fromSeed(1));
    const plain = fedAvgHost(volunteers.map((v) => ({ ...v, weight: 1 })));
    const diff = maxAbsDiff(flat(big.adapter), flat(plain));
    console.log(`DP-FedAvg σ=0, C=1e9 vs plain FedAvg: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-6);
    expect(big.report.clipped).toBe(0);
  });

  it('with noise, the global update is the clipped mean plus N(0, (σC/n)²): mean ≈ 0, std ≈ σC/n (seeded)', () => {
    const config = { clipNorm: 0.5, noiseMultiplier: 1.3, expectedParticipants: 4 };
    const noisy = flat(dpFedAvg(global, volunteers, config, GaussianNoise.fromSeed(99)).adapter);
    const clean = flat(dpFedAvg(global, volunteers, { ...config, noiseMultiplier: 0 }, GaussianNoise.fromSeed(99)).adapter);
    const residual = noisy.map((v, i) => v - clean[i]!);
    const n = residual.length;
    const mean = residual.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(residual.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const expected = (config.noiseMultiplier * config.clipNorm) / config.expectedParticipants;
    console.log(`DP-FedAvg noise over ${n} elements: mean ${mean.toExponential(2)}, std ${std.toFixed(5)} vs σC/n = ${expected.toFixed(5)}`);
    expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(n));
    expect(Math.abs(std / expected - 1)).toBeLessThan(5 / Math.sqrt(2 * n) + 1e-3); // float32 storage adds ~1e-7
    let beyond = 0; // tails too: P(|Z| > 2) = 4.55 %
    for (const v of residual) if (Math.abs(v) > 2 * expected) beyond++;
    expect(Math.abs(beyond / n - 0.0455)).toBeLessThan(0.006);
  });

  it('a poisoned update (norm × 1e6) moves the global adapter by at most C/n plus the noise', () => {
    const config = { clipNorm: 0.5, noiseMultiplier: 1, expectedParticipants: 4 };
    const honest = volunteers.slice(0, 3);
    const poisonUpdate = plus(adapter(77, 0.01), adapter(77, 0.01), 1e6 - 1); // 1e6 × an ordinary update
    const poisoned = [...honest, { source: 'attacker', adapter: plus(global, poisonUpdate) }];
    const withAttacker = flat(dpFedAvg(global, poisoned, config, GaussianNoise.fromSeed(5)).adapter);
    const without = flat(dpFedAvg(global, honest, config, GaussianNoise.fromSeed(5)).adapter); // same noise, same n
    const influence = l2Norm(withAttacker.map((v, i) => v - without[i]!));
    console.log(`poisoned update: its influence on the global adapter ${influence.toFixed(4)} ≤ C/n = ${(config.clipNorm / 4).toFixed(4)}`);
    expect(influence).toBeLessThanOrEqual((config.clipNorm / config.expectedParticipants) * (1 + 1e-5));
    // and the whole step away from the old global: ≤ (number of updates)·C/n + ‖noise‖ (noise alone: the σ=0 run's gap)
    const noiseOnly = flat(dpFedAvg(global, poisoned, { ...config, noiseMultiplier: 0 }, GaussianNoise.fromSeed(5)).adapter);
    const noiseNorm = l2Norm(withAttacker.map((v, i) => v - noiseOnly[i]!));
    const old = flat(global);
    const step = l2Norm(withAttacker.map((v, i) => v - old[i]!));
    expect(step).toBeLessThanOrEqual(4 * config.clipNorm / 4 + noiseNorm + 1e-5);
  });

  it('names what is wrong: mismatched adapters, more updates than the fixed denominator, bad settings', () => {
    const noise = GaussianNoise.fromSeed(1);
    const config = { clipNorm: 1, noiseMultiplier: 1, expectedParticipants: 2 };
    expect(() => dpFedAvg(global, volunteers, config, noise)).toThrow(/fixed expectedParticipants 2, but this round has 4 updates/);
    const { 'h.1.lora_A.weight': _dropped, ...partial } = volunteers[0]!.adapter;
    expect(() => dpFedAvg(global, [{ source: 'v9', adapter: partial }], config, noise)).toThrow(/adapter of v9 lacks h.1.lora_A.weight/);
    expect(() => dpFedAvg(global, volunteers.slice(0, 1), { ...config, clipNorm: 0 }, noise)).toThrow(/clip norm must be finite and > 0, found 0/);
  });
});
