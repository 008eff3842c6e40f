// The named GPT-2 architectures a run can use without a checkpoint: the one table the core's configs, the server's
// model list and the dashboard's cut bounds are all read from.

export interface PresetArchitecture {
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_positions: number;
}

/** `tiny` keeps GPT-2's vocabulary and layout at a size tests and demos can afford. */
export const MODEL_PRESETS = {
  tiny: { n_embd: 64, n_layer: 6, n_head: 4, n_positions: 512 },
  distilgpt2: { n_embd: 768, n_layer: 6, n_head: 12, n_positions: 1024 },
  gpt2: { n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024 },
  'gpt2-medium': { n_embd: 1024, n_layer: 24, n_head: 16, n_positions: 1024 },
  'gpt2-large': { n_embd: 1280, n_layer: 36, n_head: 20, n_positions: 1024 },
  'gpt2-xl': { n_embd: 1600, n_layer: 48, n_head: 25, n_positions: 1024 },
} as const satisfies Record<string, PresetArchitecture>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;

export function isModelPresetName(name: string): name is ModelPresetName {
  return Object.prototype.hasOwnProperty.call(MODEL_PRESETS, name);
}

/** The preset names, smallest first. */
export const MODEL_PRESET_NAMES: readonly ModelPresetName[] = Object.keys(MODEL_PRESETS).filter(isModelPresetName);

/** Depth of a preset (so forms can bound the cut layer without loading anything); null for other models. */
export function presetDepth(model: string): number | null {
  return isModelPresetName(model) ? MODEL_PRESETS[model].n_layer : null;
}
