// Where the pretrained checkpoints shipped with the repository live: models-embedded/<name> at the repository root.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmbeddedModelName, isEmbeddedModelName } from '@splitlora/protocol';

export const EMBEDDED_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models-embedded');

/** The Hugging Face folder (config.json + model.safetensors + README.md) of an embedded model; fails if it is missing. */
export function embeddedModelDir(name: EmbeddedModelName): string {
  const dir = join(EMBEDDED_MODELS_DIR, name);
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`embedded model ${name}: ${dir}/config.json is missing (a damaged checkout?)`);
  return dir;
}

/** The folder of `name` when it names an embedded model, else null (for tools that accept any model name). */
export function embeddedModelDirOf(name: string): string | null {
  return isEmbeddedModelName(name) ? embeddedModelDir(name) : null;
}
