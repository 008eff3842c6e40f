// DP-FedAvg on top of secure aggregation, as the two compose in a run: volunteers clip their own updates (the
// server cannot see them to clip) and send them masked; the server noises the sum it unmasks. The result equals
// server-side DP-FedAvg with the same noise, within the encoding error.
import { describe, expect, it } from 'vitest';
import { createRng, normalSamples } from '../data/rng.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import { clippedUpdate, dpFedAvg, privatizeSum } from './dp/dp-fedavg.js';
import { flatLayoutOf, flattenAdapter } from './flat-adapter.js';
import { GaussianNoise } from './random/gaussian-noise.js';
import { seededRandomBytes } from './random/random-bytes.js';
import { runInMemoryRound } from './secagg/in-memory-round.js';

function adapter(seed: number, std: number): NamedHostTensors {
  const rng = createRng(seed);
  return { 'a.lora_A.weight': { shape: [4, 200], data: normalSamples(rng, 800, std) }, 'a.lora_B.weight': { shape: [300, 4], data: normalSamples(rng, 1200, std) } };
}

describe('DP-FedAvg with secure aggregation', () => {
  it('clip on the volunteer, sum under masks, noise on the server = DP-FedAvg (within the encoding error)', async () => {
    const global = adapter(1, 0.05);
    const layout = flatLayoutOf(global);
    const volunteers = Array.from({ length: 4 }, (_, i) => ({ source: `v${i}`, adapter: adapter(10 + i, 0.05 + 0.01 * i) }));
    const dp = { clipNorm: 1, noiseMultiplier: 0.8, expectedParticipants: 4 };
    const inputs = Object.fromEntries(volunteers.map((v) => [v.source, clippedUpdate(v.adapter, global, dp.clipNorm, layout).update]));
    const { result, error } = await runInMemoryRound({
      config: { context: 'run/round-1', threshold: 3, vectorLength: layout.length, range: dp.clipNorm, maxClients: 4 },
      inputs, randomFor: (id) => seededRandomBytes(id.charCodeAt(1)),
    });
    expect(error).toBeNull();
    const mean = privatizeSum(result!.sum, result!.survivors.length, dp, GaussianNoise.fromSeed(3));
    const base = flattenAdapter(global, layout, 'global');
    const reference = flattenAdapter(dpFedAvg(global, volunteers, dp, GaussianNoise.fromSeed(3)).adapter, layout, 'reference');
    let worst = 0;
    mean.forEach((m, i) => (worst = Math.max(worst, Math.abs(base[i]! + m - reference[i]!))));
    expect(worst).toBeLessThan(result!.errorBound / dp.expectedParticipants + 1e-6); // + float32 storage of the reference
  });
});
