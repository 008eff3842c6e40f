// Full-parameter training against torch: the step-0 gradients and the parameters after 3 AdamW steps of the tiny
// fixture checkpoint (every parameter with label smoothing and clipping; block 1 alone without), on cpu and wasm;
// and tied rows (one row for k identical ones) train exactly as the k rows do.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2Config } from '../../config/gpt2-config.js';
import { loadHfGpt2, type LoadedCheckpoint } from '../../io/hf-checkpoint.js';
import { WTE } from '../../model/param-names.js';
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
        const { loss, grads } = fullParamLossAndGrads(checkpoint.config, params, c.trainable, batch, { labelSmoothing: c.label_smoothing });
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

    it('a table with k identical rows trains exactly as one tied row with a log-k logit bias and per-copy gradients', async () => {
      const V = checkpoint.config.vocab_size;
      const E = checkpoint.config.n_embd;
      const used = new Set([...base.ids.flat(), ...base.targets.flat()]);
      const kept = Array.from({ length: V }, (_, id) => id).filter((id) => used.has(id));
      const tiedCount = V - kept.length;
      const sharedRow = checkpoint.params[WTE]!.data.slice(0, E); // every unused token starts with token 0's row
      const fullWte = Float32Array.from(checkpoint.params[WTE]!.data);
      for (let id = 0; id < V; id++) if (!used.has(id)) fullWte.set(sharedRow, id * E);
      const reducedWte = new Float32Array((kept.length + 1) * E);
      kept.forEach((id, row) => reducedWte.set(fullWte.subarray(id * E, (id + 1) * E), row * E));
      reducedWte.set(sharedRow, kept.length * E);
      const toReduced = (id: number) => (used.has(id) ? kept.indexOf(id) : kept.length);
      const options = { adamw: { beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.1 }, maxGradNorm: 0.5, labelSmoothing: 0 };
      const full = new FullParamTrainer(checkpoint.config, { ...checkpoint.params, [WTE]: { shape: [V, E], data: fullWte } }, Object.keys(checkpoint.params), options);
      const reducedConfig = gpt2Config(checkpoint.config, { vocab_size: kept.length + 1, bos_token_id: kept.length, eos_token_id: kept.length });
      const logitBias = tf.tensor1d([...new Array<number>(kept.length).fill(0), Math.log(tiedCount)]);
      const multiplicity = Float32Array.from([...new Array<number>(kept.length).fill(1), tiedCount]);
      const reduced = new FullParamTrainer(reducedConfig, { ...checkpoint.params, [WTE]: { shape: [kept.length + 1, E], data: reducedWte } },
        Object.keys(checkpoint.params), { ...options, logitBias, tiedRows: { name: WTE, multiplicity } });
      const fullBatch = makeBatch();
      const reducedBatch = {
        ...fullBatch, ids: tf.tensor2d(base.ids.map((row) => row.map(toReduced)), undefined, 'int32'), targets: tf.tensor1d(base.targets.flat().map(toReduced), 'int32'),
      };
      for (const lr of [1e-2, 1e-2, 5e-3]) {
        const a = await full.step(fullBatch, lr);
        const b = await reduced.step(reducedBatch, lr);
        expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
        expect(Math.abs(a.gradNorm - b.gradNorm) / a.gradNorm).toBeLessThan(1e-5);
      }
      const [fa, ra] = [await full.exportParams(), await reduced.exportParams()];
      let worst = 0;
      for (let id = 0; id < V; id++) {
        const row = toReduced(id);
        worst = Math.max(worst, maxAbsDiff(fa[WTE]!.data.subarray(id * E, (id + 1) * E), ra[WTE]!.data.subarray(row * E, (row + 1) * E)));
      }
      for (const name of Object.keys(fa).filter((n) => n !== WTE)) worst = Math.max(worst, maxAbsDiff(fa[name]!.data, ra[name]!.data));
      console.log(`[${backend}] tied rows (${tiedCount} copies): max |Δparam| vs the full table after 3 steps = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-5); // as against torch: Adam's normalized steps amplify fp32 rounding
      full.dispose();
      reduced.dispose();
      tf.dispose([logitBias, fullBatch.ids, fullBatch.targets, fullBatch.mask, reducedBatch.ids, reducedBatch.targets]);
    });

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
