// Model choices of the run form: the server's model list with each model's depth and whether its weights are
// pretrained or random, and the cut layer's range.
import { EMBEDDED_MODEL_NAMES, MODEL_PRESET_NAMES, modelDepth, modelWeights } from '@splitlora/protocol';

/** The cut leaves at least one block on each side: 1..depth-1 for presets; hf: models are bounded by the server. */
export function cutRange(model: string): { min: number; max: number | null } {
  const depth = modelDepth(model);
  return { min: 1, max: depth === null ? null : depth - 1 };
}

export function modelLabel(model: string): string {
  const depth = modelDepth(model);
  const weights = modelWeights(model) === 'random' ? 'random weights' : 'pretrained';
  if (depth !== null) return `${model} · ${depth} blocks · ${weights}`;
  return model.startsWith('hf:') ? `${model.slice(3)} · Hugging Face folder` : `${model} · ${weights}`;
}

/** The server's models, or the presets when the server lists none; the selected one is always offered. */
export function modelChoices(serverModels: readonly string[], selected: string): string[] {
  const list = serverModels.length > 0 ? [...serverModels] : [...EMBEDDED_MODEL_NAMES, ...MODEL_PRESET_NAMES];
  return list.includes(selected) ? list : [selected, ...list];
}

/** Help text of the cut field for the chosen model. */
export function cutHelp(model: string): string {
  const range = cutRange(model);
  const bound = range.max === null
    ? 'The server checks the range for this model.'
    : `Range ${range.min}..${range.max} for ${model}.`;
  return `Your volunteers run the embeddings and blocks 1–cut (the first cut blocks); the server runs the rest. ${bound}`;
}
