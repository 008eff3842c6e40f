// Loads a Hugging Face GPT-2 directory (config.json + model.safetensors or a sharded index), key for key.
import { type Gpt2Config, gpt2ConfigFromHf, gpt2ConfigToHf } from '../config/gpt2-config.js';
import { fail, formatShape } from '../errors.js';
import { expectedParamShapes, fullModelPart, type ModelPart, WTE } from '../model/param-names.js';
import { type NamedHostTensors, sameShape } from '../tensors/named-tensors.js';
import { type FileSource, readJson } from './file-source.js';
import { parseSafetensors, type SafetensorsDtype, type SafetensorsFile, writeSafetensors } from './safetensors.js';

/** Checkpoint keys that are buffers, not weights (old GPT-2 checkpoints store the causal mask). */
const IGNORED_KEY = /(^|\.)attn\.(bias|masked_bias)$/;

/** Maps a checkpoint key to our name: the hub's `gpt2` stores `h.0...`, GPT2LMHeadModel saves `transformer.h.0...`. */
export function canonicalParamName(key: string): string {
  return key.startsWith('transformer.') || key.startsWith('lm_head.') ? key : `transformer.${key}`;
}

export interface LoadedCheckpoint {
  config: Gpt2Config;
  params: NamedHostTensors;
}

async function openShards(source: FileSource): Promise<{ files: Map<string, SafetensorsFile>; keyToFile: Map<string, string> }> {
  const files = new Map<string, SafetensorsFile>();
  const keyToFile = new Map<string, string>();
  const single = await source.read('model.safetensors');
  if (single !== null) {
    const file = parseSafetensors(single, `${source.location}/model.safetensors`);
    files.set('model.safetensors', file);
    for (const key of file.names()) keyToFile.set(key, 'model.safetensors');
    return { files, keyToFile };
  }
  const index = await readJson(source, 'model.safetensors.index.json');
  if (index === null) {
    const hasBin = (await source.read('pytorch_model.bin')) !== null;
    fail('checkpoint', `${source.location}: no model.safetensors or model.safetensors.index.json${hasBin ? ' (pytorch_model.bin is not supported; convert it to safetensors)' : ''}`);
  }
  const weightMap = index['weight_map'] as Record<string, string> | undefined;
  if (weightMap === undefined || typeof weightMap !== 'object') fail('checkpoint', `${source.location}/model.safetensors.index.json has no weight_map`);
  for (const [key, fileName] of Object.entries(weightMap)) {
    if (!files.has(fileName)) {
      const bytes = await source.read(fileName);
      if (bytes === null) fail('checkpoint', `${source.location}: shard ${fileName} named in the index is missing`);
      files.set(fileName, parseSafetensors(bytes, `${source.location}/${fileName}`));
    }
    keyToFile.set(key, fileName);
  }
  return { files, keyToFile };
}

/** Loads the tensors of `part` (the whole model by default), checking every name and shape. */
export async function loadHfGpt2(source: FileSource, part?: ModelPart): Promise<LoadedCheckpoint> {
  const hfConfig = await readJson(source, 'config.json');
  if (hfConfig === null) fail('checkpoint', `${source.location}: config.json not found`);
  const config = gpt2ConfigFromHf(hfConfig);
  const wanted = expectedParamShapes(config, part ?? fullModelPart(config));
  const { files, keyToFile } = await openShards(source);
  const byName = new Map<string, string>();
  for (const key of keyToFile.keys()) {
    if (!IGNORED_KEY.test(key)) byName.set(canonicalParamName(key), key);
  }
  const params: NamedHostTensors = {};
  for (const [name, shape] of Object.entries(wanted)) {
    const key = byName.get(name);
    if (key === undefined) fail('checkpoint', `${source.location}: missing tensor ${name} (expected shape ${formatShape(shape)})`);
    const tensor = files.get(keyToFile.get(key)!)!.read(key);
    if (!sameShape(tensor.shape, shape)) {
      fail('checkpoint', `${source.location}: tensor ${name} has shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)}`);
    }
    params[name] = tensor;
  }
  const headKey = byName.get('lm_head.weight');
  if (headKey !== undefined && params[WTE] !== undefined) {
    const head = files.get(keyToFile.get(headKey)!)!.read(headKey).data;
    const wte = params[WTE]!.data;
    if (head.length !== wte.length || head.some((v, i) => v !== wte[i])) {
      fail('checkpoint', `${source.location}: lm_head.weight differs from transformer.wte.weight; only tied heads are supported`);
    }
  }
  return { config, params };
}

/** Writes a checkpoint the way transformers' GPT2LMHeadModel.save_pretrained does (tied head omitted), in `dtype`. */
export function saveHfGpt2(config: Gpt2Config, params: NamedHostTensors, dtype: SafetensorsDtype = 'F32'): Record<string, Uint8Array> {
  const hfConfig = { ...gpt2ConfigToHf(config), ...(dtype === 'F32' ? {} : { torch_dtype: dtype === 'F16' ? 'float16' : 'bfloat16' }) };
  return {
    'config.json': new TextEncoder().encode(JSON.stringify(hfConfig, null, 2)),
    'model.safetensors': writeSafetensors(params, dtype),
  };
}
