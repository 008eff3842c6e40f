// Golden test against Hugging Face transformers + PEFT: logits, losses and LoRA gradients of a tiny random GPT-2,
// loaded through the HF directory loader, on the cpu, wasm and webgpu (Dawn) backends.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loraConfig } from './config/lora-config.js';
import { loadHfGpt2 } from './io/hf-checkpoint.js';
import { readSafetensors } from './io/safetensors.js';
import { TrainableAdapter } from './lora/trainable-adapter.js';
import { withTransposedHead } from './model/transposed-head.js';
import { disposeNamed, namedToTensors } from './tensors/named-tensors.js';
import { type BaseModel, fullLogits, fullLossAndGrads } from './train/split-steps.js';
import { useBackend } from './test-support/backend.js';
import { dirSource, FIXTURES, type JsonTensor, maxAbsDiff, readFixture, relativeDiff } from './test-support/fixtures.js';

interface BaseFixture { ids: number[][]; targets: number[][]; mask: number[][]; logits: JsonTensor; loss: number; loss_label_smoothing: number }
interface LoraFixture {
  r: number; lora_alpha: number; target_modules: string[]; enable_lora: [boolean, boolean, boolean] | null;
  loss: number; loss_label_smoothing: number; label_smoothing: number; logits: JsonTensor; grads: Record<string, JsonTensor>;
}

const base = readFixture<BaseFixture>('base.json');

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  describe(`Hugging Face golden fixtures on ${backend}`, () => {
    let model: BaseModel;
    let ids: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D;
    const normalizer = base.mask.flat().reduce((a, b) => a + b, 0);

    beforeAll(async () => {
      await useBackend(backend);
      const loaded = await loadHfGpt2(dirSource(join(FIXTURES, 'hf-tiny-gpt2')));
      // Both values of TRANSPOSED_HEAD_WEIGHTS: wasm and webgpu run the head through the transposed copy of wte (as the
      // server does); cpu through transposeB.
      const params = namedToTensors(loaded.params);
      model = { config: loaded.config, params: backend === 'cpu' ? params : withTransposedHead(params) };
      ids = tf.tensor2d(base.ids, undefined, 'int32');
      targets = tf.tensor1d(base.targets.flat(), 'int32');
      mask = tf.tensor1d(base.mask.flat(), 'float32');
    });
    afterAll(() => {
      disposeNamed(model.params);
      tf.dispose([ids, targets, mask]);
    });

    it('matches the base model logits and losses', async () => {
      const logits = fullLogits(model, null, ids);
      const diff = maxAbsDiff(await logits.data(), base.logits.data);
      console.log(`[${backend}] base logits max |Δ| = ${diff.toExponential(2)}`);
      expect(logits.shape).toEqual(base.logits.shape);
      expect(diff).toBeLessThanOrEqual(1e-4);
      logits.dispose();
    });

    for (const kind of ['full', 'qv'] as const) {
      it(`matches PEFT's ${kind === 'full' ? 'whole-module' : 'q/v-only'} LoRA logits, losses and gradients`, async () => {
        const fx = readFixture<LoraFixture>(`lora-${kind}.json`);
        const lora = loraConfig({ r: fx.r, lora_alpha: fx.lora_alpha, lora_dropout: 0, target_modules: fx.target_modules, enable_lora: fx.enable_lora });
        const weights = readSafetensors(new Uint8Array(readFileSync(join(FIXTURES, `lora-${kind}-weights.safetensors`))));
        const adapter = TrainableAdapter.fromHost(model.config, lora, 0, model.config.n_layer, weights);
        const logits = fullLogits(model, adapter, ids);
        const logitDiff = maxAbsDiff(await logits.data(), fx.logits.data);
        const { loss, grads } = fullLossAndGrads(model, adapter, ids, targets, mask, normalizer, { dropoutSeed: null });
        const smoothed = fullLossAndGrads(model, adapter, ids, targets, mask, normalizer, { dropoutSeed: null, labelSmoothing: fx.label_smoothing });
        let worstGrad = 0;
        for (const [name, expected] of Object.entries(fx.grads)) {
          const ours = grads[name];
          expect(ours, name).toBeDefined();
          expect(ours!.shape).toEqual(expected.shape);
          worstGrad = Math.max(worstGrad, relativeDiff(await ours!.data(), expected.data));
        }
        expect(Object.keys(grads).sort()).toEqual(Object.keys(fx.grads).sort());
        console.log(`[${backend}] ${kind}: logits max |Δ| = ${logitDiff.toExponential(2)}, grads max rel Δ = ${worstGrad.toExponential(2)}, ` +
          `loss Δ = ${Math.abs((await loss.data())[0]! - fx.loss).toExponential(2)}`);
        expect(logitDiff).toBeLessThanOrEqual(1e-4);
        expect(worstGrad).toBeLessThanOrEqual(1e-4);
        expect((await loss.data())[0]).toBeCloseTo(fx.loss, 5);
        expect((await smoothed.loss.data())[0]).toBeCloseTo(fx.loss_label_smoothing, 5);
        tf.dispose([logits, loss, smoothed.loss]);
        disposeNamed(grads);
        disposeNamed(smoothed.grads);
        adapter.dispose();
      });
    }
  });
}
