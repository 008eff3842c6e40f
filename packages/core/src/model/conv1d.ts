// GPT-2's Conv1D (a linear layer with weight [in, out]) plus its LoRA branch, PEFT and loralib semantics.
// On WebGPU the projection and its LoRA term run as fused kernels (FUSED_LORA_PROJECTION); the ops below are the
// reference and the fallback.
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag } from '../backend/backend-flags.js';
import type { LoraModule } from '../config/lora-config.js';
import { loraScaling, targetedModules } from '../config/lora-config.js';
import { fail } from '../errors.js';
import { loraAName, loraBName } from '../lora/adapter-layout.js';
import { mixSeed } from '../data/rng.js';
import { hashDropout } from '../kernels/dropout/hash-dropout.js';
import { fusedKernelActive } from '../kernels/fused-dispatch.js';
import { FUSED_LORA_PROJECTION, fusedLoraProjection, type LoraBranch } from '../kernels/lora-projection-webgpu.js';
import { hashName } from './init-params.js';
import { blockPrefix, transposedName } from './param-names.js';
import { type ForwardContext, param } from './forward-context.js';

/** y = x W + b + dropout(x) Aᵀ Bᵀ · alpha/r, for x (N, in). */
export function conv1d(ctx: ForwardContext, layer: number, module: LoraModule, x: tf.Tensor2D): tf.Tensor2D {
  const prefix = `${blockPrefix(layer)}.${module}`;
  const weight = param(ctx, `${prefix}.weight`) as tf.Tensor2D;
  const bias = param(ctx, `${prefix}.bias`) as tf.Tensor1D;
  const lora = loraBranch(ctx, layer, module, x);
  if (fusedKernelActive('FUSED_LORA_PROJECTION', FUSED_LORA_PROJECTION)) return fusedLoraProjection(x, weight, bias, lora);
  const weightT = ctx.params[transposedName(`${prefix}.weight`)] as tf.Tensor2D | undefined;
  const product = weightT === undefined ? tf.matMul(x, weight) : frozenMatMul(x, weight, weightT);
  const base = tf.add(product, bias) as tf.Tensor2D;
  return lora === null ? base : (tf.add(base, loraDelta(lora)) as tf.Tensor2D);
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

/** The module's LoRA branch (its dropped input, A, B and output placement), or null when it has no adapter. */
function loraBranch(ctx: ForwardContext, layer: number, module: LoraModule, x: tf.Tensor2D): LoraBranch | null {
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
  const enable = module === 'attn.c_attn' ? lora.config.enable_lora : null;
  if (enable === null) return { dropped: input as tf.Tensor2D, a: a as tf.Tensor2D, b: b as tf.Tensor2D, scale, blockSize: b.shape[0]!, groupOfBlock: [0] };
  // Merged q/k/v: group j of A feeds block j of B; disabled parts of c_attn's output get no update.
  let group = 0;
  const groupOfBlock = enable.map((enabled) => (enabled ? group++ : -1));
  return { dropped: input as tf.Tensor2D, a: a as tf.Tensor2D, b: b as tf.Tensor2D, scale, blockSize: ctx.config.n_embd, groupOfBlock };
}

/** dropout(x) Aᵀ Bᵀ · scale, placed into the enabled output blocks (zeros elsewhere), by tfjs ops. */
function loraDelta(lora: LoraBranch): tf.Tensor2D {
  const { dropped, a, b, scale, blockSize, groupOfBlock } = lora;
  const low = tf.matMul(dropped, a, false, true); // (N, g*r)
  if (groupOfBlock.length === 1) return tf.mul(tf.matMul(low, b, false, true), scale) as tf.Tensor2D; // (N, out)
  const r = a.shape[0] / groupOfBlock.filter((g) => g >= 0).length;
  const n = dropped.shape[0];
  const parts = groupOfBlock.map((group) => {
    if (group < 0) return tf.zeros([n, blockSize]) as tf.Tensor2D;
    const lowJ = tf.slice(low, [0, group * r], [n, r]); // (N, r)
    const bJ = tf.slice(b, [group * blockSize, 0], [blockSize, r]); // (E, r)
    return tf.mul(tf.matMul(lowJ, bJ, false, true), scale) as tf.Tensor2D; // (N, E)
  });
  return tf.concat(parts, 1); // (N, 3E)
}
