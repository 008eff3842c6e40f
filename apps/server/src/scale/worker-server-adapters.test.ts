import type { NamedHostTensors, WeightedUpdate } from '@splitlora/core';
import { describe, expect, it } from 'vitest';
import { type WorkerFleet, WorkerServerAdapters } from './worker-server-adapters.js';

const table = (...values: number[]): NamedHostTensors => ({ 'a.lora_A.weight': { shape: [values.length], data: Float32Array.from(values) } });

function fakeFleet(copies: WeightedUpdate[]): WorkerFleet & { published: NamedHostTensors[]; aborts: number } {
  const fleet = {
    published: [] as NamedHostTensors[], aborts: 0,
    async publishServerAdapter(adapter: NamedHostTensors) {
      fleet.published.push(adapter);
    },
    async collect() {
      return copies;
    },
    abort() {
      fleet.aborts += 1;
    },
  };
  return fleet;
}

describe('WorkerServerAdapters (the coordinator\'s server adapter)', () => {
  it('averages the workers\' copies by the tokens each trained, leaves out empty ones, and publishes the result', async () => {
    const fleet = fakeFleet([
      { source: 'w1', adapter: table(1, 2), weight: 100 },
      { source: 'w2', adapter: table(5, 10), weight: 300 },
      { source: 'w3', adapter: table(1000, 1000), weight: 0 }, // a worker whose volunteers all moved away
    ]);
    const policy = new WorkerServerAdapters(table(0, 0), fleet);
    await policy.published;
    expect(fleet.published).toHaveLength(1);
    await policy.closeRound(['v1', 'v2'], 1);
    const data = [...(await policy.current())['a.lora_A.weight']!.data];
    expect(data[0]).toBeCloseTo((1 * 100 + 5 * 300) / 400, 6);
    expect(data[1]).toBeCloseTo((2 * 100 + 10 * 300) / 400, 6);
    expect(fleet.published.at(-1)).toBe(await policy.current());
    expect(await policy.optimizerState()).toBeNull();
    expect(() => policy.trainerFor()).toThrow(/workers/);
    policy.abortRound();
    expect(fleet.aborts).toBe(1);
  });

  it('keeps the global adapter when no worker trained anything', async () => {
    const start = table(3, 4);
    const policy = new WorkerServerAdapters(start, fakeFleet([]));
    await policy.closeRound([], 1);
    expect(await policy.current()).toBe(start);
  });
});
