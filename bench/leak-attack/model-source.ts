// The model under attack: a preset with random weights (from the seed) or a Hugging Face GPT-2 folder
// (`hf:<path>`, or `hf:<name>` in the server's models folder), e.g. the pretrained checkpoint once it exists.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Gpt2Config, gpt2Config, initGpt2Params, isGpt2PresetName, loadHfGpt2, type NamedHostTensors } from '@splitlora/core';
import { dirSource } from '@splitlora/node';
import { REPO_ROOT } from '../lib/python.js';

export interface AttackedModel {
  /** As given on the command line (and as a run names it). */
  name: string;
  config: Gpt2Config;
  /** Host weights of the whole model (the server split needs its part, the attacker the client part). */
  params: NamedHostTensors;
  weights: 'random' | 'pretrained';
  /** Where the weights came from, for the report. */
  source: string;
}

/** The folder of `hf:<dir>`: a path (absolute, or relative to the working directory), else `<repo>/models/<dir>`. */
export function hfModelFolder(spec: string): string {
  const dir = spec.slice(3);
  const candidates = [resolve(dir), join(REPO_ROOT, 'models', dir)];
  const found = candidates.find((c) => existsSync(join(c, 'config.json')));
  if (found === undefined) throw new Error(`--model ${spec}: no Hugging Face GPT-2 folder with config.json at ${candidates.join(' or ')}`);
  return found;
}

export async function loadAttackedModel(spec: string, seed: number): Promise<AttackedModel> {
  if (isGpt2PresetName(spec)) {
    const config = gpt2Config(spec);
    return { name: spec, config, params: initGpt2Params(config, seed), weights: 'random', source: `random weights (initGpt2Params, seed ${seed})` };
  }
  if (spec.startsWith('hf:')) {
    const folder = hfModelFolder(spec);
    const { config, params } = await loadHfGpt2(dirSource(folder));
    return { name: spec, config, params, weights: 'pretrained', source: folder };
  }
  throw new Error(`--model ${spec}: expected a preset (tiny, distilgpt2, gpt2, …) or hf:<folder>`);
}

/** The benchmark's texts are GPT-2 token ids of up to `maxSeqLen` positions: the model must hold both. */
export function checkModelFits(model: AttackedModel, maxSeqLen: number, tokenizerVocab: number): void {
  const { vocab_size: V, n_positions: P } = model.config;
  if (V < tokenizerVocab) throw new Error(`--model ${model.name} has a vocabulary of ${V} tokens; the benchmark's texts use the GPT-2 tokenizer's ${tokenizerVocab}`);
  if (maxSeqLen > P) throw new Error(`--seq ${maxSeqLen} exceeds the ${P} positions of --model ${model.name}`);
}

/** A file-name-safe form of a model name (`hf:tiny-shakespeare` → `hf-tiny-shakespeare`). */
export function modelSlug(name: string): string {
  return name.replace(/[^\w.-]+/g, '-');
}
