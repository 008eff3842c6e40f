// The aggregation seam's first strategy: FedAvg starts every participant from the global tensors and averages what
// comes back by token weight; strategyFor picks it for every run config of this protocol version.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { fedAvgHost } from '../train/fedavg.js';
import type { AggregationStrategy, FitRound } from './aggregation-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';
import { strategyFor } from './strategy-for.js';

const fedavg: AggregationStrategy = new FedAvgStrategy();
const global = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([0, 0]) } };
const a = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([1, 2]) } };
const b = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([3, 6]) } };
const round: FitRound = { round: 1, participants: ['a', 'b', 'c'], global };

describe('FedAvgStrategy', () => {
  it('starts every participant of a round from the global tensors', () => {
    const fit = fedavg.configureFit(round);
    expect(fit.startFor('a')).toBe(global);
    expect(fit.startFor('c')).toBe(global);
  });

  it('aggregates the reporters by token weight, exactly as fedAvgHost', () => {
    const updates = [{ source: 'a', adapter: a, weight: 100 }, { source: 'b', adapter: b, weight: 300 }];
    const { global: next } = fedavg.aggregateFit(round, updates);
    expect(Array.from(next['x.lora_A.weight']!.data)).toEqual([2.5, 5]);
    expect(next).toEqual(fedAvgHost(updates));
  });

  it('is the strategy of every run config', () => {
    for (const sfl of ['v1', 'v2'] as const) expect(strategyFor(runConfigSchema.parse({ sfl })).name).toBe('fedavg');
  });

  it('is the strategy of federated LoRA too, DP-FedAvg when the run sets dp', () => {
    expect(strategyFor(runConfigSchema.parse({ method: 'fedlora' })).name).toBe('fedavg');
    expect(strategyFor(runConfigSchema.parse({ method: 'fedlora', dp: { noiseMultiplier: 1 } })).name).toBe('dp-fedavg');
  });
});
