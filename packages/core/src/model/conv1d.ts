// GPT-2's Conv1D (a linear layer with weight [in, out]) plus its LoRA branch, PEFT and loralib semantics.
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag } from '../backend/backend-flags.js';
import type { LoraModule } from '../config/lora-config.js';
import { loraScaling, targetedModules } from '../config/lora-config.js';
import { fail } from '../errors.js';
import { loraAName, loraBName } from '../lora/adapter-layout.js';
import { mixSeed } from '../data/rng.js';
import { hashDropout } from '../kernels/dropout/hash-dropout.js';
import { hashName } from './init-params.js';
import { blockPrefix, transposedName } from './param-names.js';
import { type ForwardContext, param } from './forward-context.js';

/** y = x W + b + dropout(x) Aᵀ Bᵀ · alpha/r, for x (N, in). */
export function conv1d(ctx: ForwardContext, layer: number, module: LoraModule, x: tf.Tensor2D): tf.Tensor2D {
  const prefix = `${blockPrefix(layer)}.${module}`;
  const weight = param(ctx, `${prefix}.weight`) as tf.Tensor2D;
  const weightT = ctx.params[transposedName(`${prefix}.weight`)] as tf.Tensor2D | undefined;
  const product = weightT === undefined ? tf.matMul(x, weight) : frozenMatMul(x, weight, weightT);
  const base = tf.add(product, param(ctx, `${prefix}.bias`)) as tf.Tensor2D;
  const delta = loraDelta(ctx, layer, module, x);
  return delta === null ? base : (tf.add(base, delta) as tf.Tensor2D);
}

/** x·W for a frozen W whose transpose is at hand: the gradient w.r.t. x is dy·Wᵀ without transposeB; none for W. */
function frozenMatMul(x: tf.Tensor2D, weight: tf.Tensor2D, weightT: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.matMul(input as tf.Tensor2D, weight),
    gradFunc: (dy: tf.Tensor) => tf.matMul(dy as tf.Tensor2D, weightT),
  })) as unknown as Parameters<typeof tf.customGrad<tf.Tensor2D>>[0]);
  return f(x) as tf.Tensor2D;
}

/** The LoRA branch's dropout: masks made on the device (DROPOUT_ON_DEVICE), or tfjs's host-drawn tf.dropout. */
function loraDropout(x: tf.Tensor2D, rate: number, seed: number): tf.Tensor2D {
  return backendFlag('DROPOUT_ON_DEVICE') ? hashDropout(x, rate, seed) : (tf.dropout(x, rate, undefined, seed) as tf.Tensor2D);
}

function loraDelta(ctx: ForwardContext, layer: number, module: LoraModule, x: tf.Tensor2D): tf.Tensor2D | null {
  const lora = ctx.lora;
  if (lora === null || !targetedModules(lora.config).includes(module)) return null;
  const aName = loraAName(layer, module);
  const bName = loraBName(layer, module);
  const a = lora.tensors[aName];
  const b = lora.tensors[bName];
  if (a === undefined && b === undefined) return null; // an adapter that covers other blocks only
  if (a === undefined || b === undefined) fail('adapter', `missing adapter tensor ${a === undefined ? aName : bName}`);
  const rate = lora.config.lora_dropout;
  const input = ctx.dropoutSeed !== null && rate > 0 ? loraDropout(x, rate, mixSeed(ctx.dropoutSeed, hashName(aName))) : x;
  const scale = loraScaling(lora.config);
  const low = tf.matMul(input, a as tf.Tensor2D, false, true); // (N, g*r)
  const enable = module === 'attn.c_attn' ? lora.config.enable_lora : null;
  if (enable === null) {
    return tf.mul(tf.matMul(low, b as tf.Tensor2D, false, true), scale) as tf.Tensor2D; // (N, out)
  }
  // Merged q/k/v: group j of A feeds block j of B; disabled parts of c_attn's output get no update.
  const r = lora.config.r;
  const E = ctx.config.n_embd;
  const n = x.shape[0];
  const parts: tf.Tensor2D[] = [];
  let group = 0;
  for (const enabled of enable) {
    if (!enabled) {
      parts.push(tf.zeros([n, E]));
      continue;
    }
    const lowJ = tf.slice(low, [0, group * r], [n, r]); // (N, r)
    const bJ = tf.slice(b, [group * E, 0], [E, r]); // (E, r)
    parts.push(tf.mul(tf.matMul(lowJ, bJ, false, true), scale) as tf.Tensor2D); // (N, E)
    group++;
  }
  return tf.concat(parts, 1); // (N, 3E)
}
