// The base checkpoint a run trains on, recorded in its folder so its adapters resolve from the run folder alone: an
// embedded or random-weight base is saved there as a Hugging Face checkpoint (`base-model/`), a model downloaded from
// the hub is named by its hub id, and any other local folder by its absolute path. `base-model.json` says which.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveHfGpt2 } from '@splitlora/core';
import { embeddedModelDirOf, writeFiles } from '@splitlora/node';
import { isEmbeddedModelName } from '@splitlora/protocol';
import { hfFolder, type LoadedModel } from './model-source.js';

/** The folder (inside the run folder) that holds a saved base checkpoint. */
export const BASE_MODEL_DIR = 'base-model';
/** The file, beside a downloaded model's config.json, naming the hub repository it came from. */
export const HUB_SOURCE_FILE = 'hub-source.json';

export interface BaseModelRef {
  /** The run's model name (`tiny-shakespeare`, `tiny`, `hf:gpt2`, …). */
  model: string;
  /** saved: a checkpoint in `base-model/`; hub: a Hugging Face hub id; folder: an absolute local path. */
  kind: 'saved' | 'hub' | 'folder';
  /**
   * What the adapters' `base_model_name_or_path` says. For `saved` it is `base-model`, a path relative to the run
   * folder: run Python from the run folder (`AutoPeftModelForCausalLM.from_pretrained("final-adapter")`).
   */
  base_model_name_or_path: string;
}

function hubSourceOf(folder: string): string | null {
  const path = join(folder, HUB_SOURCE_FILE);
  if (!existsSync(path)) return null;
  const repo = (JSON.parse(readFileSync(path, 'utf8')) as { repo?: unknown }).repo;
  return typeof repo === 'string' && repo.length > 0 ? repo : null;
}

/** Decides where a model's base lives and, for embedded or random bases, saves it into `runDir/base-model/`. */
export async function saveBaseModel(runDir: string, model: LoadedModel, modelsDir: string): Promise<BaseModelRef> {
  let ref: BaseModelRef;
  if (model.name.startsWith('hf:')) {
    const folder = hfFolder(modelsDir, model.name);
    const repo = hubSourceOf(folder);
    ref = repo === null
      ? { model: model.name, kind: 'folder', base_model_name_or_path: folder }
      : { model: model.name, kind: 'hub', base_model_name_or_path: repo };
  } else {
    const dir = join(runDir, BASE_MODEL_DIR);
    const embedded = isEmbeddedModelName(model.name) ? embeddedModelDirOf(model.name) : null;
    if (embedded !== null) {
      // The shipped files themselves (fp16): the run loaded exactly these values.
      await mkdir(dir, { recursive: true });
      for (const file of ['config.json', 'model.safetensors']) await copyFile(join(embedded, file), join(dir, file));
    } else {
      // Random weights exist nowhere else; fp32 keeps every value the run used.
      await writeFiles(dir, saveHfGpt2(model.config, model.params, 'F32'));
    }
    ref = { model: model.name, kind: 'saved', base_model_name_or_path: BASE_MODEL_DIR };
  }
  await writeFile(join(runDir, 'base-model.json'), JSON.stringify(ref, null, 2));
  return ref;
}

/** The run folder's base reference; null for folders written before runs recorded it. */
export function readBaseModelRef(runDir: string): BaseModelRef | null {
  const path = join(runDir, 'base-model.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BaseModelRef) : null;
}
