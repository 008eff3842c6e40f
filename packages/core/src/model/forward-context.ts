// What a forward pass needs besides the input: the config, the frozen weights, the adapters and the dropout seed.
import type { Gpt2Config } from '../config/gpt2-config.js';
import type { LoraConfig } from '../config/lora-config.js';
import { fail } from '../errors.js';
import type { NamedTensors } from '../tensors/named-tensors.js';
import * as tf from '@tensorflow/tfjs-core';

export interface ForwardContext {
  config: Gpt2Config;
  /** Frozen base weights by HF name; only the ones of the blocks being run need to be present. */
  params: NamedTensors;
  /** LoRA adapters by PEFT name, and their config; null runs the base model. */
  lora: { config: LoraConfig; tensors: NamedTensors } | null;
  /** When set, LoRA dropout is active with masks derived from this seed (so a recomputed pass is identical). */
  dropoutSeed: number | null;
}

export function param(ctx: ForwardContext, name: string): tf.Tensor {
  const t = ctx.params[name];
  if (t === undefined) fail('checkpoint', `missing parameter ${name}`);
  return t;
}
