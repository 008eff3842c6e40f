// Which named preset the run form holds, and the sentence the form shows about it: it claims the paper's settings
// only when the form equals the "paper (SplitLoRA)" preset.
import { matchingPreset, RUN_PRESET_IDS, RUN_PRESETS, type RunPresetId } from '@splitlora/protocol';
import type { RunFormModel } from './run-form-model.js';
import { validateRunForm } from './run-form-validation.js';

export interface PresetNote {
  /** The preset the form equals (model and name aside), or 'custom'. */
  value: RunPresetId | 'custom';
  text: string;
}

/** The preset picker's choices; "custom settings" only while the form matches no preset. */
export function presetChoices(value: RunPresetId | 'custom'): { value: string; label: string }[] {
  const choices = RUN_PRESET_IDS.map((id) => ({ value: id, label: RUN_PRESETS[id].label }));
  return value === 'custom' ? [...choices, { value: 'custom', label: 'custom settings' }] : choices;
}

export function presetNote(model: RunFormModel): PresetNote {
  const result = validateRunForm(model);
  const id = result.ok ? matchingPreset(result.config) : null;
  if (id === null) return { value: 'custom', text: 'Custom settings: they differ from every preset (choose one to start again from it).' };
  const claim = id === 'paper' ? 'The SplitLoRA paper’s settings. ' : 'Not the paper’s settings (choose “paper (SplitLoRA)” for those). ';
  return { value: id, text: `${claim}${RUN_PRESETS[id].description}` };
}
