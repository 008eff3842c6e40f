// Resolves a run's model: an embedded pretrained checkpoint, a preset (random weights from the run's seed), or
// `hf:<folder>` in the models folder.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Gpt2Config, gpt2Config, initGpt2Params, isGpt2PresetName, loadHfGpt2, type NamedHostTensors,
} from '@splitlora/core';
import { dirSource, embeddedModelDir } from '@splitlora/node';
import { isEmbeddedModelName, ProtocolError } from '@splitlora/protocol';

export interface LoadedModel {
  name: string;
  config: Gpt2Config;
  params: NamedHostTensors;
  /** Folder with vocab.json + merges.txt shipped with the model, if any. */
  tokenizerDir: string | null;
}

/** Hugging Face GPT-2 folders (with config.json) inside the models folder, as `hf:<name>`. */
export function listHfModels(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'config.json')))
    .map((d) => `hf:${d.name}`);
}

export function hfFolder(modelsDir: string, model: string): string {
  const name = model.slice(3);
  if (!/^[\w.-]+$/.test(name)) throw new ProtocolError('BAD_REQUEST', `model folder name "${name}" may only hold letters, digits, "-", "_" and "."`);
  const dir = resolve(modelsDir, name);
  if (!existsSync(join(dir, 'config.json'))) throw new ProtocolError('NOT_FOUND', `no Hugging Face model folder ${name} (with config.json) in ${modelsDir}`);
  return dir;
}

export async function loadModel(model: string, seed: number, modelsDir: string): Promise<LoadedModel> {
  if (isEmbeddedModelName(model)) {
    const { config, params } = await loadHfGpt2(dirSource(embeddedModelDir(model)));
    return { name: model, config, params, tokenizerDir: null };
  }
  if (isGpt2PresetName(model)) {
    const config = gpt2Config(model);
    return { name: model, config, params: initGpt2Params(config, seed), tokenizerDir: null };
  }
  if (model.startsWith('hf:')) {
    const dir = hfFolder(modelsDir, model);
    const { config, params } = await loadHfGpt2(dirSource(dir));
    return { name: model, config, params, tokenizerDir: existsSync(join(dir, 'vocab.json')) ? dir : null };
  }
  throw new ProtocolError('BAD_REQUEST', `unknown model "${model}"`);
}
