// Builds the client split from a run's manifest and downloaded assets: the split plan (checked once, here), the
// base weights (safetensors) as tensors, and the tokenizer.
import {
  type BaseModel, expectedParamShapes, fail, formatShape, Gpt2Tokenizer, namedToTensors,
  readSafetensors, sameShape, SplitPlan,
} from '@splitlora/core';
import type { ClientManifest } from '@splitlora/protocol';

/** The manifest's model config, cut and LoRA as a checked split plan. */
export function manifestPlan(manifest: ClientManifest): SplitPlan {
  return SplitPlan.create(manifest.model.config, manifest.split, manifest.lora, manifest.model.name);
}

/** The base weights the volunteer holds (its split, or the whole model), checked name by name and shape by shape. */
export function clientModelFromWeights(plan: SplitPlan, weights: Uint8Array, wholeModel = false): BaseModel {
  const { config } = plan;
  const host = readSafetensors(weights, 'client weights');
  const expected = wholeModel ? expectedParamShapes(config) : plan.clientParamShapes();
  for (const [name, shape] of Object.entries(expected)) {
    const t = host[name];
    if (t === undefined) fail('checkpoint', `client weights lack ${name}`);
    if (!sameShape(t.shape, shape)) fail('checkpoint', `client weight ${name}: expected shape ${formatShape(shape)}, found ${formatShape(t.shape)}`);
  }
  return { config, params: namedToTensors(host) };
}

export function tokenizerFromAsset(bytes: Uint8Array): Gpt2Tokenizer {
  const { vocabJson, mergesTxt } = JSON.parse(new TextDecoder().decode(bytes)) as { vocabJson: string; mergesTxt: string };
  return Gpt2Tokenizer.fromFiles(vocabJson, mergesTxt);
}
