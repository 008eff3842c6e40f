// The device dropout kernel on cpu, wasm and webgpu (Dawn) in Node (webgl is checked in Chromium by the e2e golden
// page): bit-identical to the JavaScript reference, so identical across backends and recomputations; the keep rate
// is 1 − rate; masks of different seeds are unrelated; the gradient is the same mask applied to dy.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withBackendFlags } from '../../backend/backend-flags.js';
import { gpt2Config } from '../../config/gpt2-config.js';
import { PAPER_LORA } from '../../config/lora-config.js';
import { SplitPlan } from '../../config/split-plan.js';
import { TrainableAdapter } from '../../lora/trainable-adapter.js';
import { initGpt2Params } from '../../model/init-params.js';
import { disposeNamed, namedToTensors } from '../../tensors/named-tensors.js';
import { type TestBackend, useBackend } from '../../test-support/backend.js';
import { clientForward } from '../../train/split-steps.js';
import { applyDropout, dropoutHash, dropoutParams } from './dropout-hash.js';
import { hashDropout } from './hash-dropout.js';

function reference(x: Float32Array, rate: number, seed: number): Float32Array {
  const out = new Float32Array(x.length);
  applyDropout(x, out, dropoutParams(rate, seed));
  return out;
}

function sequence(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 5);
}

/** Indices where a and b differ (bit for bit), at most a few, for the failure message. */
function differences(a: Float32Array, b: Float32Array): string {
  const bad: string[] = [];
  for (let i = 0; i < a.length && bad.length < 5; i++) if (!Object.is(a[i], b[i])) bad.push(`[${i}] ${a[i]} vs ${b[i]}`);
  return bad.join(', ');
}

describe('the dropout hash', () => {
  it('keeps 1 − rate of the elements and makes unrelated masks for different seeds', () => {
    const n = 200_000;
    for (const rate of [0.05, 0.1, 0.5]) {
      const p = dropoutParams(rate, 12345);
      let kept = 0;
      for (let i = 0; i < n; i++) if (dropoutHash(i, p) >= p.threshold) kept++;
      expect(Math.abs(kept / n - (1 - rate))).toBeLessThan(5 * Math.sqrt(rate * (1 - rate) / n));
    }
    // Two seeds: both kept as often as independent masks would be (p² of the time), and no shift of one another.
    const rate = 0.1;
    const a = dropoutParams(rate, 1);
    const b = dropoutParams(rate, 2);
    let both = 0;
    for (let i = 0; i < n; i++) if (dropoutHash(i, a) >= a.threshold && dropoutHash(i, b) >= b.threshold) both++;
    expect(Math.abs(both / n - 0.81)).toBeLessThan(5 * Math.sqrt(0.81 * 0.19 / n));
  });

  it('refuses rates outside [0, 1) and seeds outside 32 bits', () => {
    expect(() => dropoutParams(1, 0)).toThrow('dropout rate must be in [0, 1), found 1');
    expect(() => dropoutParams(0.1, -1)).toThrow('dropout seed must be a 32-bit unsigned integer, found -1');
  });
});

for (const backend of ['cpu', 'wasm', 'webgpu'] as const satisfies readonly TestBackend[]) {
  describe(`the HashDropout kernel on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    it('equals the JavaScript reference bit for bit, for 1-D to 4-D tensors and on recomputation', async () => {
      for (const shape of [[1000], [37, 64], [3, 5, 7], [2, 3, 4, 5]]) {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = sequence(size);
        const x = tf.tensor(values, shape);
        const first = hashDropout(x, 0.1, 0xdeadbeef);
        const again = hashDropout(x, 0.1, 0xdeadbeef);
        const expected = reference(values, 0.1, 0xdeadbeef);
        const got = (await first.data()) as Float32Array;
        expect(first.shape).toEqual(shape);
        expect(differences(got, expected), `shape [${shape}]`).toBe('');
        expect(differences((await again.data()) as Float32Array, got)).toBe('');
        tf.dispose([x, first, again]);
      }
    });

    it('passes the gradient through the same mask', async () => {
      const values = sequence(512);
      const x = tf.tensor2d(values, [16, 32]);
      const w = tf.tensor2d(sequence(512).reverse(), [16, 32]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(hashDropout(t, 0.25, 99), w)))(x);
      const expected = reference((await w.data()) as Float32Array, 0.25, 99); // dy = w through the same mask
      expect(differences((await grad.data()) as Float32Array, expected)).toBe('');
      tf.dispose([x, w, grad]);
    });

    it('makes different masks for different seeds', async () => {
      const ones = tf.ones([4096]);
      const a = (await hashDropout(ones, 0.5, 1).data()) as Float32Array;
      const b = (await hashDropout(ones, 0.5, 2).data()) as Float32Array;
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
      expect(Math.abs(same / a.length - 0.5)).toBeLessThan(0.05);
      ones.dispose();
    });

    if (backend === 'webgpu') {
      it('indexes tensors past one dispatch row (more than 65,535 workgroups)', async () => {
        const size = 65_535 * 128 + 4099;
        const values = new Float32Array(size).fill(1);
        const x = tf.tensor1d(values);
        const out = hashDropout(x, 0.1, 7);
        expect(differences((await out.data()) as Float32Array, reference(values, 0.1, 7))).toBe('');
        tf.dispose([x, out]);
      });
    }
  });
}

describe('LoRA dropout and the DROPOUT_ON_DEVICE flag', () => {
  it('recomputes the same forward with either value, and the two values draw different masks', async () => {
    await useBackend('cpu');
    const config = gpt2Config('tiny', { vocab_size: 64, n_embd: 16, n_layer: 3, n_head: 2, n_positions: 16, bos_token_id: 63, eos_token_id: 63 });
    const model = { config, params: namedToTensors(initGpt2Params(config, 3)) };
    const adapter = TrainableAdapter.init(config, PAPER_LORA, 0, 2, 4);
    for (const v of Object.values(adapter.tensors)) v.assign(tf.onesLike(v)); // B ≠ 0, so dropout shows in the output
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], undefined, 'int32');
    const plan = SplitPlan.create(config, 2, PAPER_LORA);
    const forward = async (onDevice: boolean) => withBackendFlags({ DROPOUT_ON_DEVICE: onDevice }, async () => {
      const hidden = clientForward(model, adapter, ids, plan, 77);
      const values = (await hidden.data()) as Float32Array;
      hidden.dispose();
      return values;
    });
    const device = [await forward(true), await forward(true)];
    const host = [await forward(false), await forward(false)];
    expect(differences(device[0]!, device[1]!)).toBe('');
    expect(differences(host[0]!, host[1]!)).toBe('');
    expect(differences(device[0]!, host[0]!)).not.toBe('');
    ids.dispose();
    adapter.dispose();
    disposeNamed(model.params);
  });
});
