// Builds the client split from downloaded assets: base weights (safetensors) as tensors, and the tokenizer.
import {
  type BaseModel, clientPart, expectedParamShapes, fail, formatShape, type Gpt2Config, Gpt2Tokenizer, namedToTensors,
  readSafetensors, sameShape, validateGpt2Config,
} from '@splitlora/core';
import type { ClientManifest } from '@splitlora/protocol';

export function manifestGpt2Config(manifest: ClientManifest): Gpt2Config {
  return validateGpt2Config(manifest.model.config as unknown as Gpt2Config);
}

/** The client split's frozen weights, checked name by name and shape by shape. */
export function clientModelFromWeights(manifest: ClientManifest, weights: Uint8Array): BaseModel {
  const config = manifestGpt2Config(manifest);
  const host = readSafetensors(weights, 'client weights');
  const expected = expectedParamShapes(config, clientPart(manifest.cut));
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
