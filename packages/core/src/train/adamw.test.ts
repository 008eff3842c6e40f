// AdamW and the warmup schedules against torch.optim.AdamW + transformers' schedulers (fixture trajectories).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import { maxAbsDiff, readFixture } from '../test-support/fixtures.js';
import { AdamW } from './adamw.js';
import { learningRateAt } from './lr-schedule.js';

interface AdamFixture {
  x0: number[]; grads: number[][]; lr: number; warmup: number; total: number;
  cases: Record<'linear' | 'cosine', { lrs: number[]; trajectory: number[][] }>;
}

describe('AdamW with warmup schedules', () => {
  beforeAll(() => useBackend('cpu'));
  const fx = readFixture<AdamFixture>('adamw.json');

  for (const kind of ['linear', 'cosine'] as const) {
    it(`follows torch's trajectory under a ${kind} schedule`, () => {
      const schedule = { lr: fx.lr, warmupSteps: fx.warmup, totalSteps: fx.total, kind };
      const p = { x: tf.variable(tf.tensor1d(fx.x0)) };
      const opt = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.01 });
      let worst = 0;
      fx.grads.forEach((g, step) => {
        expect(learningRateAt(schedule, step)).toBeCloseTo(fx.cases[kind].lrs[step]!, 12);
        const grad = tf.tensor1d(g);
        opt.apply(p, { x: grad }, learningRateAt(schedule, step));
        grad.dispose();
        worst = Math.max(worst, maxAbsDiff(p.x.dataSync(), fx.cases[kind].trajectory[step]!));
      });
      console.log(`${kind}: max |Δparam| vs torch over ${fx.grads.length} steps = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-6);
      opt.dispose();
      p.x.dispose();
    });
  }

  it('exports and imports its state so a resumed run continues identically', async () => {
    const a = { x: tf.variable(tf.tensor1d([1, 2, 3])) };
    const b = { x: tf.variable(tf.tensor1d([1, 2, 3])) };
    const optA = new AdamW();
    const g = tf.tensor1d([0.1, -0.2, 0.3]);
    optA.apply(a, { x: g }, 0.01);
    b.x.assign(a.x);
    const optB = new AdamW();
    optB.importState(await optA.exportState());
    optA.apply(a, { x: g }, 0.01);
    optB.apply(b, { x: g }, 0.01);
    expect(Array.from(b.x.dataSync())).toEqual(Array.from(a.x.dataSync()));
    [optA, optB].forEach((o) => o.dispose());
    tf.dispose([a.x, b.x, g]);
  });

  it('constant schedule keeps the rate after warmup', () => {
    expect(learningRateAt({ lr: 1, warmupSteps: 4, totalSteps: 10, kind: 'constant' }, 2)).toBe(0.5);
    expect(learningRateAt({ lr: 1, warmupSteps: 4, totalSteps: 10, kind: 'constant' }, 9)).toBe(1);
  });
});
