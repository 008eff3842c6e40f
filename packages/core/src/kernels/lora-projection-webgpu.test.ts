// The fused Conv1D projection on WebGPU equals the unfused ops (on WebGPU and on cpu), value and gradients w.r.t.
// x, W, b, lora_A and lora_B: q/v-only merged c_attn, whole-module LoRA, LoRA dropout on, and a module without LoRA.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { type LoraConfig, type LoraModule, loraConfig } from '../config/lora-config.js';
import { adapterShapes, loraAName, loraBName, moduleDims } from '../lora/adapter-layout.js';
import { conv1d } from '../model/conv1d.js';
import { expectFusedMatchesUnfused, type HostInput, randomInput } from '../test-support/fused-compare.js';
import { FUSED_LORA_PROJECTION } from './lora-projection-webgpu.js';
import { FUSED_LINEAR } from './lora-projection-common.js';

const config = gpt2Config('tiny', { n_embd: 16, n_head: 2, n_layer: 1, vocab_size: 50, n_positions: 80, bos_token_id: 49, eos_token_id: 49 });

interface Case { label: string; module: LoraModule; lora: LoraConfig; rows: number; dropoutSeed: number | null; kernel: string }

const EVERY_MODULE = { target_modules: ['c_attn', 'c_proj', 'c_fc'], enable_lora: null };
const CASES: Case[] = [
  { label: 'q/v-only c_attn', module: 'attn.c_attn', lora: loraConfig({ lora_dropout: 0 }), rows: 5, dropoutSeed: null, kernel: FUSED_LORA_PROJECTION },
  {
    label: 'whole-module c_attn, 70 rows', module: 'attn.c_attn', lora: loraConfig({ enable_lora: null, lora_dropout: 0 }), rows: 70, dropoutSeed: null,
    kernel: FUSED_LORA_PROJECTION,
  },
  {
    label: 'q/v-only c_attn with LoRA dropout', module: 'attn.c_attn', lora: loraConfig({ lora_dropout: 0.25 }), rows: 9, dropoutSeed: 5,
    kernel: FUSED_LORA_PROJECTION,
  },
  {
    label: 'c_fc with r = 3 on every module', module: 'mlp.c_fc', lora: loraConfig({ r: 3, ...EVERY_MODULE, lora_dropout: 0 }), rows: 1, dropoutSeed: null,
    kernel: FUSED_LORA_PROJECTION,
  },
  { label: 'c_fc without LoRA', module: 'mlp.c_fc', lora: loraConfig({ lora_dropout: 0 }), rows: 6, dropoutSeed: null, kernel: FUSED_LINEAR },
];

describe('fused LoRA projection (webgpu)', () => {
  for (const c of CASES) {
    it(`equals the unfused ops: ${c.label}`, async () => {
      const { fanIn, fanOut } = moduleDims(config, c.module);
      const { a, b } = adapterShapes(config, c.lora, c.module);
      const withLora = c.kernel === FUSED_LORA_PROJECTION;
      const inputs: HostInput[] = [randomInput([c.rows, fanIn], 1), randomInput([fanIn, fanOut], 2, 0.3), randomInput([fanOut], 3)];
      if (withLora) inputs.push(randomInput(a, 4, 0.3), randomInput(b, 5, 0.3));
      const f = (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, loraA?: tf.Tensor, loraB?: tf.Tensor) => conv1d({
        config,
        params: { [`transformer.h.0.${c.module}.weight`]: weight, [`transformer.h.0.${c.module}.bias`]: bias },
        lora: { config: c.lora, tensors: withLora ? { [loraAName(0, c.module)]: loraA!, [loraBName(0, c.module)]: loraB! } : {} },
        dropoutSeed: c.dropoutSeed,
      }, 0, c.module, x as tf.Tensor2D);
      await expectFusedMatchesUnfused(`projection ${c.label}`, 'FUSED_LORA_PROJECTION', c.kernel, f as (...xs: tf.Tensor[]) => tf.Tensor, inputs);
    });
  }
});
