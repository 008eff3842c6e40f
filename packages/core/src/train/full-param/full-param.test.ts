// Full-parameter training against torch: the step-0 gradients and the parameters after 3 AdamW steps of the tiny
// fixture checkpoint (every parameter with label smoothing and clipping; block 1 alone without), on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHfGpt2, type LoadedCheckpoint } from '../../io/hf-checkpoint.js';
import { readSafetensors } from '../../io/safetensors.js';
import { disposeNamed, namedToTensors } from '../../tensors/named-tensors.js';
import { useBackend } from '../../test-support/backend.js';
import { dirSource, FIXTURES, maxAbsDiff, readFixture, relativeDiff } from '../../test-support/fixtures.js';
import { fullParamLossAndGrads, type FullParamBatch } from './full-param-grads.js';
import { FullParamTrainer } from './full-param-trainer.js';

interface FullParamCase { trainable: string[]; lrs: number[]; label_smoothing: number; max_grad_norm: number; losses: number[]; grad_norms: number[] }
interface FullParamFixture { weight_decay: number; betas: [number, number]; eps: number; cases: Record<'all' | 'block1', FullParamCase> }
interface BaseFixture { ids: number[][]; targets: number[][]; mask: number[][] }

const fx = readFixture<FullParamFixture>('full-param.json');
const base = readFixture<BaseFixture>('base.json');
const fixtureTensors = (name: string) => readSafetensors(new Uint8Array(readFileSync(join(FIXTURES, name))));

function makeBatch(): FullParamBatch {
  return {
    ids: tf.tensor2d(base.ids, undefined, 'int32'), targets: tf.tensor1d(base.targets.flat(), 'int32'),
    mask: tf.tensor1d(base.mask.flat(), 'float32'), normalizer: base.mask.flat().reduce((a, b) => a + b, 0),
  };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`full-parameter training vs torch on ${backend}`, () => {
    let checkpoint: LoadedCheckpoint;
    beforeAll(async () => {
      await useBackend(backend);
      checkpoint = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
    });

    for (const name of ['all', 'block1'] as const) {
      const c = fx.cases[name];

      it(`${name}: the gradients of the ${c.trainable.length} trained tensors equal torch's (≤ 1e-4 relative)`, () => {
        const before = tf.memory().numTensors;
        const params = namedToTensors(checkpoint.params);
        const batch = makeBatch();
        const { loss, grads } = fullParamLossAndGrads(checkpoint.config, params, c.trainable, batch, c.label_smoothing);
        const expected = fixtureTensors(`full-param-${name}-grads.safetensors`);
        let worst = 0;
        let worstName = '';
        for (const tensorName of c.trainable) {
          const diff = relativeDiff(grads[tensorName]!.dataSync(), expected[tensorName]!.data);
          if (diff > worst) [worst, worstName] = [diff, tensorName];
        }
        console.log(`[${backend}] ${name}: loss ${loss.dataSync()[0]} vs ${c.losses[0]}; worst gradient ${worstName} relative Δ ${worst.toExponential(2)}`);
        expect(Math.abs(loss.dataSync()[0]! - c.losses[0]!)).toBeLessThan(1e-5);
        expect(Object.keys(grads).sort()).toEqual([...c.trainable].sort());
        expect(worst).toBeLessThanOrEqual(1e-4);
        tf.dispose([loss, batch.ids, batch.targets, batch.mask]);
        disposeNamed(grads);
        disposeNamed(params);
        expect(tf.memory().numTensors).toBe(before);
      });

      it(`${name}: ${c.lrs.length} AdamW steps reach torch's parameters (≤ 1e-5) without leaking`, async () => {
        const before = tf.memory().numTensors;
        const trainer = new FullParamTrainer(checkpoint.config, checkpoint.params, c.trainable, {
          adamw: { beta1: fx.betas[0], beta2: fx.betas[1], epsilon: fx.eps, weightDecay: fx.weight_decay },
          maxGradNorm: c.max_grad_norm, labelSmoothing: c.label_smoothing,
        });
        const batch = makeBatch();
        for (const [step, lr] of c.lrs.entries()) {
          const { loss, gradNorm } = await trainer.step(batch, lr);
          expect(Math.abs(loss - c.losses[step]!)).toBeLessThan(1e-4);
          expect(Math.abs(gradNorm - c.grad_norms[step]!) / c.grad_norms[step]!).toBeLessThan(1e-4);
        }
        const after = await trainer.exportParams();
        const expected = fixtureTensors(`full-param-${name}-after.safetensors`);
        let worst = 0;
        for (const tensorName of c.trainable) worst = Math.max(worst, maxAbsDiff(after[tensorName]!.data, expected[tensorName]!.data));
        const untouched = Object.keys(after).filter((n) => !c.trainable.includes(n));
        for (const n of untouched) expect(maxAbsDiff(after[n]!.data, checkpoint.params[n]!.data)).toBe(0);
        console.log(`[${backend}] ${name}: after ${c.lrs.length} steps max |Δparam| vs torch = ${worst.toExponential(2)} (${untouched.length} frozen tensors unchanged)`);
        expect(worst).toBeLessThanOrEqual(1e-5);
        trainer.dispose();
        tf.dispose([batch.ids, batch.targets, batch.mask]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('rejects unknown trainable names and trainable weights with a frozen transposed copy', () => {
      const params = namedToTensors(checkpoint.params);
      const batch = makeBatch();
      expect(() => fullParamLossAndGrads(checkpoint.config, params, ['transformer.h.9.mlp.c_fc.weight'], batch)).toThrow(/not in the model's parameter table/);
      const withCopy = { ...params, 'transformer.h.0.mlp.c_fc.weight:T': tf.transpose(params['transformer.h.0.mlp.c_fc.weight']!) };
      expect(() => fullParamLossAndGrads(checkpoint.config, withCopy, ['transformer.h.0.mlp.c_fc.weight'], batch)).toThrow(/transposed copy/);
      disposeNamed(withCopy);
      tf.dispose([batch.ids, batch.targets, batch.mask]);
    });
  });
}
