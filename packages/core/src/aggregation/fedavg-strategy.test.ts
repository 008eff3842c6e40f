// The aggregation seam's first strategy: FedAvg hands every participant the global tensors and averages what comes
// back by token weight; strategyFor picks it for every run config of this protocol version.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { fedAvgHost } from '../train/fedavg.js';
import type { AggregationStrategy } from './aggregation-strategy.js';
import { FedAvgStrategy } from './fedavg-strategy.js';
import { strategyFor } from './strategy-for.js';

const fedavg: AggregationStrategy = new FedAvgStrategy();
const global = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([0, 0]) } };
const a = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([1, 2]) } };
const b = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([3, 6]) } };

describe('FedAvgStrategy', () => {
  it('starts every participant of every round from the global tensors', () => {
    expect(fedavg.configure(global, 'v1', 1)).toBe(global);
    expect(fedavg.configure(global, 'v2', 7)).toBe(global);
  });

  it('aggregates by token weight, exactly as fedAvgHost', () => {
    const updates = [{ source: 'a', adapter: a, weight: 100 }, { source: 'b', adapter: b, weight: 300 }];
    const out = fedavg.aggregate(global, updates, 1);
    expect(Array.from(out['x.lora_A.weight']!.data)).toEqual([2.5, 5]);
    expect(out).toEqual(fedAvgHost(updates));
  });

  it('is the strategy of every run config', () => {
    for (const sfl of ['v1', 'v2'] as const) expect(strategyFor(runConfigSchema.parse({ sfl })).name).toBe('fedavg');
  });
});
