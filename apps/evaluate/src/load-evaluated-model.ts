// Finds and loads what `pnpm evaluate` scores: the base GPT-2 (the adapter's base_model_name_or_path when it is a
// local folder, else --base: a Hugging Face folder, an embedded pretrained model such as tiny-shakespeare, or a
// preset with seeded random weights) and the PEFT adapter.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type AdapterBinding, type BaseModel, gpt2Config, importPeftAdapter, initGpt2Params, isGpt2PresetName, loadHfGpt2,
  namedToTensors, withTransposedHead,
} from '@splitlora/core';
import { dirSource, embeddedModelDirOf } from '@splitlora/node';

export interface EvaluatedModel {
  model: BaseModel;
  adapter: AdapterBinding;
  /** What the base is, for the report: a folder path or `<preset> (random weights, seed N)`. */
  baseLabel: string;
  weights: 'checkpoint' | 'random';
  /** Folder holding vocab.json + merges.txt next to the base checkpoint, if any. */
  tokenizerDir: string | null;
}

/** A local Hugging Face folder named by `name`: absolute, relative to the adapter folder, or to the working directory. */
function localHfFolder(name: string, adapterDir: string): string | null {
  const candidates = isAbsolute(name) ? [name] : [resolve(adapterDir, name), resolve(name)];
  return candidates.find((dir) => existsSync(join(dir, 'config.json'))) ?? null;
}

export async function loadEvaluatedModel(adapterDir: string, base: string | undefined, seed: number): Promise<EvaluatedModel> {
  const configPath = join(adapterDir, 'adapter_config.json');
  if (!existsSync(configPath)) throw new Error(`${adapterDir}: no adapter_config.json (expected a PEFT adapter folder)`);
  const peft = JSON.parse(await readFile(configPath, 'utf8')) as { base_model_name_or_path?: unknown };
  const named = typeof peft.base_model_name_or_path === 'string' ? peft.base_model_name_or_path : null;
  const choice = base ?? named;
  if (choice === null) throw new Error(`${configPath} names no base model; pass --base <hf folder or preset>`);
  const folder = localHfFolder(choice, adapterDir);
  let config;
  let host;
  let baseLabel: string;
  let weights: EvaluatedModel['weights'];
  if (folder !== null) {
    ({ config, params: host } = await loadHfGpt2(dirSource(folder)));
    baseLabel = folder;
    weights = 'checkpoint';
  } else if (embeddedModelDirOf(choice) !== null) {
    const dir = embeddedModelDirOf(choice)!;
    ({ config, params: host } = await loadHfGpt2(dirSource(dir)));
    baseLabel = `${choice} (pretrained, ${dir})`;
    weights = 'checkpoint';
  } else if (isGpt2PresetName(choice)) {
    config = gpt2Config(choice);
    host = initGpt2Params(config, seed);
    baseLabel = `${choice} (random weights, seed ${seed})`;
    weights = 'random';
  } else {
    const from = base !== undefined ? '--base' : `base_model_name_or_path in ${configPath}`;
    throw new Error(`${from} is "${choice}": neither a local Hugging Face folder (with config.json) nor a preset; pass --base`);
  }
  const imported = await importPeftAdapter(config, dirSource(adapterDir));
  const params = withTransposedHead(namedToTensors(host));
  return {
    model: { config, params },
    adapter: { config: imported.config, tensors: namedToTensors(imported.tensors) },
    baseLabel,
    weights,
    tokenizerDir: folder !== null && existsSync(join(folder, 'vocab.json')) ? folder : null,
  };
}
