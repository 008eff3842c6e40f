// Names, shapes and initialisation of LoRA adapters (PEFT names; loralib's merged layout for q/v-only c_attn).
import type { Gpt2Config } from '../config/gpt2-config.js';
import { mlpWidth } from '../config/gpt2-config.js';
import { type LoraConfig, type LoraModule, targetedModules } from '../config/lora-config.js';
import { createRng, mixSeed, uniformSamples } from '../data/rng.js';
import { countElements, type NamedHostTensors } from '../tensors/named-tensors.js';
import { blockPrefix } from '../model/param-names.js';
import { hashName } from '../model/init-params.js';

export function loraAName(layer: number, module: LoraModule): string {
  return `${blockPrefix(layer)}.${module}.lora_A.weight`;
}

export function loraBName(layer: number, module: LoraModule): string {
  return `${blockPrefix(layer)}.${module}.lora_B.weight`;
}

/** Input and output widths of a Conv1D module. */
export function moduleDims(config: Gpt2Config, module: LoraModule): { fanIn: number; fanOut: number } {
  const E = config.n_embd;
  const H = mlpWidth(config);
  switch (module) {
    case 'attn.c_attn': return { fanIn: E, fanOut: 3 * E };
    case 'attn.c_proj': return { fanIn: E, fanOut: E };
    case 'mlp.c_fc': return { fanIn: E, fanOut: H };
    case 'mlp.c_proj': return { fanIn: H, fanOut: E };
  }
}

/** How many LoRA groups a module has: the enabled q/k/v parts for a merged c_attn, else one. */
export function loraGroups(config: LoraConfig, module: LoraModule): number {
  if (module === 'attn.c_attn' && config.enable_lora !== null) return config.enable_lora.filter(Boolean).length;
  return 1;
}

/**
 * Shapes of one module's adapter. Whole module: A [r, in], B [out, r] (PEFT). Merged c_attn with g enabled
 * parts: A [g*r, in], B [g*E, r] (loralib's MergedLinear): group j maps rows j*r.. of A to outputs j*E.. of B.
 */
export function adapterShapes(model: Gpt2Config, lora: LoraConfig, module: LoraModule): { a: number[]; b: number[] } {
  const { fanIn, fanOut } = moduleDims(model, module);
  const groups = loraGroups(lora, module);
  if (module === 'attn.c_attn' && lora.enable_lora !== null) {
    return { a: [groups * lora.r, fanIn], b: [groups * model.n_embd, lora.r] };
  }
  return { a: [lora.r, fanIn], b: [fanOut, lora.r] };
}

/** Expected adapter tensors for blocks [fromLayer, toLayer). */
export function adapterLayout(model: Gpt2Config, lora: LoraConfig, fromLayer: number, toLayer: number): Record<string, number[]> {
  const layout: Record<string, number[]> = {};
  for (let layer = fromLayer; layer < toLayer; layer++) {
    for (const module of targetedModules(lora)) {
      const { a, b } = adapterShapes(model, lora, module);
      layout[loraAName(layer, module)] = a;
      layout[loraBName(layer, module)] = b;
    }
  }
  return layout;
}

/** PEFT's initialisation: A ~ kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)), B = 0, so ΔW starts at 0. */
export function initAdapter(
  model: Gpt2Config, lora: LoraConfig, fromLayer: number, toLayer: number, seed: number,
): NamedHostTensors {
  const out: NamedHostTensors = {};
  for (const [name, shape] of Object.entries(adapterLayout(model, lora, fromLayer, toLayer))) {
    const count = countElements(shape);
    if (name.endsWith('lora_A.weight')) {
      const bound = 1 / Math.sqrt(shape[1]!);
      out[name] = { shape, data: uniformSamples(createRng(mixSeed(seed, hashName(name))), count, -bound, bound) };
    } else {
      out[name] = { shape, data: new Float32Array(count) };
    }
  }
  return out;
}

export function countAdapterParams(layout: Record<string, number[]>): number {
  return Object.values(layout).reduce((sum, shape) => sum + countElements(shape), 0);
}
