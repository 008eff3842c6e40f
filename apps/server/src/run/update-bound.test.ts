import type { NamedHostTensors } from '@splitlora/core';
import { ProtocolError, runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adamUpdateNorm, boundUpdate, updateBoundFor, updateNorm } from './update-bound.js';

const table = (values: number[]): NamedHostTensors => ({ a: { shape: [values.length], data: Float32Array.from(values) } });

describe('the update norm bound', () => {
  const start = table([0.5, -0.5, 0.25, 0]);
  const bound = { clipNorm: 1, refuseNorm: 10 };

  it('keeps an update within the clip norm as it is', () => {
    const adapter = table([0.6, -0.5, 0.25, 0.1]);
    const out = boundUpdate(adapter, start, bound);
    expect(out.clipped).toBe(false);
    expect(out.adapter).toBe(adapter);
  });

  it('scales an update above the clip norm down to it, keeping its direction', () => {
    const out = boundUpdate(table([3.5, -0.5, 4.25, 0]), start, bound);
    expect(out.clipped).toBe(true);
    expect(out.norm).toBeCloseTo(5, 5);
    expect(updateNorm(out.adapter, start)).toBeCloseTo(1, 5);
    expect(out.adapter['a']!.data[0]).toBeCloseTo(0.5 + 0.6, 5);
  });

  it('refuses ±3e38 values and values of 50 with OUT_OF_RANGE', () => {
    for (const values of [[3e38, -3e38, 3e38, -3e38], [50, 50, -50, 50]]) {
      expect(() => boundUpdate(table(values), start, bound)).toThrow(ProtocolError);
      try {
        boundUpdate(table(values), start, bound);
      } catch (error) {
        expect((error as ProtocolError).code).toBe('OUT_OF_RANGE');
      }
    }
  });

  it('is always on: AdamW\'s bound by default, the configured norms otherwise', () => {
    const config = runConfigSchema.parse({ lr: 2e-4, localSteps: 10 });
    expect(updateBoundFor(config, 10_000)).toEqual({ clipNorm: adamUpdateNorm(config, 10_000), refuseNorm: 10 * adamUpdateNorm(config, 10_000) });
    expect(adamUpdateNorm(config, 10_000)).toBeCloseTo(2 * 3.162 * 2e-4 * 10 * 100, 2);
    expect(updateBoundFor({ ...config, maxUpdateNorm: 2, updateNormLimit: 5 }, 10)).toEqual({ clipNorm: 2, refuseNorm: 5 });
    expect(runConfigSchema.safeParse({ maxUpdateNorm: 2, updateNormLimit: 1 }).success).toBe(false);
  });
});
