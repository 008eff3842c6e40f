// Pretrained checkpoints shipped in the repository (models-embedded/<name>), usable by name like a preset, and
// whether a model name stands for pretrained or random weights — for every place a user picks or sees a model.
import { type ModelPresetName, MODEL_PRESETS, presetDepth } from './model-presets.js';

export interface EmbeddedModel {
  /** The preset whose architecture the checkpoint has (a test checks it against the checkpoint's config). */
  architecture: ModelPresetName;
  /** One line for model lists. */
  summary: string;
}

export const EMBEDDED_MODELS = {
  'tiny-shakespeare': { architecture: 'tiny', summary: 'tiny GPT-2 pretrained on Shakespeare (tinyshakespeare)' },
} as const satisfies Record<string, EmbeddedModel>;

export type EmbeddedModelName = keyof typeof EMBEDDED_MODELS;

export const EMBEDDED_MODEL_NAMES = Object.keys(EMBEDDED_MODELS) as EmbeddedModelName[];

/** The model of `pnpm start`'s run form, `pnpm demo` and a run config that names none. */
export const DEFAULT_MODEL: EmbeddedModelName = 'tiny-shakespeare';

export function isEmbeddedModelName(name: string): name is EmbeddedModelName {
  return Object.prototype.hasOwnProperty.call(EMBEDDED_MODELS, name);
}

/** Depth of an embedded model (its architecture's); null for other names. */
export function embeddedModelDepth(name: string): number | null {
  return isEmbeddedModelName(name) ? MODEL_PRESETS[EMBEDDED_MODELS[name].architecture].n_layer : null;
}

/** Depth of any model known by name (preset or embedded), so forms bound the cut without loading it; null for hf: folders. */
export function modelDepth(name: string): number | null {
  return presetDepth(name) ?? embeddedModelDepth(name);
}

export type ModelWeights = 'pretrained' | 'random';

/** Presets start from random weights (the run's seed); embedded models and `hf:` folders are trained checkpoints. */
export function modelWeights(name: string): ModelWeights {
  return isEmbeddedModelName(name) || name.startsWith('hf:') ? 'pretrained' : 'random';
}

/** The model as users read it: `tiny-shakespeare (pretrained)`, `gpt2 (random weights)`. */
export function describeModel(name: string): string {
  return `${name} (${modelWeights(name) === 'random' ? 'random weights' : 'pretrained'})`;
}
