// Random GPT-2 weights with Hugging Face's initialisation, from a seed (for `tiny` runs and tests without a checkpoint).
import type { Gpt2Config } from '../config/gpt2-config.js';
import { createRng, mixSeed, normalSamples } from '../data/rng.js';
import { countElements, type NamedHostTensors } from '../tensors/named-tensors.js';
import { expectedParamShapes, fullModelPart, type ModelPart } from './param-names.js';

/**
 * Normal(0, initializer_range) weights, residual projections scaled by 1/sqrt(2 n_layer), zero biases,
 * unit layer-norm gains. Each tensor has its own seed derived from its name, so any part of the model
 * can be generated alone and still match the full model.
 */
export function initGpt2Params(config: Gpt2Config, seed: number, part: ModelPart = fullModelPart(config)): NamedHostTensors {
  const out: NamedHostTensors = {};
  const residualStd = config.initializer_range / Math.sqrt(2 * config.n_layer);
  for (const [name, shape] of Object.entries(expectedParamShapes(config, part))) {
    const count = countElements(shape);
    let data: Float32Array;
    if (/\.ln_(1|2|f)\.weight$/.test(name)) data = new Float32Array(count).fill(1);
    else if (name.endsWith('.bias')) data = new Float32Array(count);
    else {
      const std = name.endsWith('.c_proj.weight') ? residualStd : config.initializer_range;
      data = normalSamples(createRng(mixSeed(seed, hashName(name))), count, std);
    }
    out[name] = { shape, data };
  }
  return out;
}

export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
