// The run form's model (what the inputs hold, numbers as typed text) and its mapping to and from a run config.
import { DEFAULT_RUN_PRESET, presetConfig, type RunConfig, type RunConfigInput, type RunPresetId } from '@splitlora/protocol';
import { modulesToTargets, targetsToModules, type LoraModuleChoice } from './lora-targets.js';
import { cycleFromConfig, cycleToConfigInput, type CycleFormModel } from './cycle-form.js';
import { privacyFromConfig, privacyToConfigInput, type PrivacyFormModel } from './privacy-form.js';

/** Fields typed as text, parsed to numbers on submit so "abc" or "" can be reported on the field. */
export const NUMBER_FIELDS = [
  'seed', 'cut', 'loraR', 'loraAlpha', 'loraDropout', 'lr', 'warmupSteps', 'weightDecay', 'maxGradNorm', 'labelSmoothing',
  'batchSize', 'maxSeqLen', 'padMultiple', 'localSteps', 'rounds', 'minClients', 'maxClients', 'roundTimeoutSec',
  'reconnectGraceSec', 'fusionWindowMs', 'evalSamples',
] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];

export type RunFormModel = Record<NumberField, string> & {
  name: string;
  model: string;
  loraModules: LoraModuleChoice[];
  /** Which of q, k, v of c_attn get an adapter (loralib's enable_lora); all three = the whole module. */
  loraQkv: [boolean, boolean, boolean];
  schedule: RunConfig['schedule'];
  method: RunConfig['method'];
  /** The update-norm bound (clip, refuse): carried over from the config (null = the run's AdamW-based default). */
  maxUpdateNorm: RunConfig['maxUpdateNorm'];
  updateNormLimit: RunConfig['updateNormLimit'];
  sfl: RunConfig['sfl'];
  layout: RunConfig['layout'];
  wireDtype: RunConfig['wireDtype'];
  /** '' = no evaluation. */
  evalData: string;
  /** Volunteers join only through the run's invite link. */
  inviteOnly: boolean;
} & PrivacyFormModel & CycleFormModel;

export type FormField = keyof RunFormModel;

/** The form filled from a complete config (the schema's defaults, or the current run's settings). */
export function formFromConfig(c: RunConfig): RunFormModel {
  const modules = targetsToModules(c.lora.target_modules);
  return {
    name: c.name,
    method: c.method,
    maxUpdateNorm: c.maxUpdateNorm,
    updateNormLimit: c.updateNormLimit,
    model: c.model,
    seed: String(c.seed),
    cut: String(c.cut),
    loraR: String(c.lora.r),
    loraAlpha: String(c.lora.lora_alpha),
    loraDropout: String(c.lora.lora_dropout),
    loraModules: modules,
    loraQkv: c.lora.enable_lora === null ? [true, true, true] : [...c.lora.enable_lora],
    lr: String(c.lr),
    schedule: c.schedule,
    warmupSteps: String(c.warmupSteps),
    weightDecay: String(c.weightDecay),
    maxGradNorm: String(c.maxGradNorm),
    labelSmoothing: String(c.labelSmoothing),
    batchSize: String(c.batchSize),
    maxSeqLen: String(c.maxSeqLen),
    padMultiple: String(c.padMultiple),
    localSteps: String(c.localSteps),
    rounds: String(c.rounds),
    minClients: String(c.minClients),
    maxClients: String(c.maxClients),
    inviteOnly: c.inviteOnly,
    roundTimeoutSec: String(c.roundTimeoutSec),
    reconnectGraceSec: String(c.reconnectGraceSec),
    sfl: c.sfl,
    layout: c.layout,
    wireDtype: c.wireDtype,
    fusionWindowMs: String(c.fusionWindowMs),
    evalData: c.evalData ?? '',
    evalSamples: String(c.evalSamples),
    ...privacyFromConfig(c),
    ...cycleFromConfig(c),
  };
}

/** The form filled with a preset's settings, keeping the model and name already chosen (if any). */
export function presetRunForm(id: RunPresetId, keep: Partial<Pick<RunFormModel, 'model' | 'name'>> = {}): RunFormModel {
  return formFromConfig(presetConfig(id, keep));
}

/** The form as it first appears: the "short run" preset on the default model. */
export function defaultRunForm(): RunFormModel {
  return presetRunForm(DEFAULT_RUN_PRESET);
}

export type FieldErrors = Partial<Record<FormField, string>>;

/** Parses typed numbers; a field that is empty or not a number gets an error and NaN (the schema then skips it). */
export function parseNumberFields(model: RunFormModel): { numbers: Record<NumberField, number>; errors: FieldErrors } {
  const numbers = {} as Record<NumberField, number>;
  const errors: FieldErrors = {};
  for (const field of NUMBER_FIELDS) {
    const text = model[field].trim();
    const value = text === '' ? Number.NaN : Number(text);
    if (text === '') errors[field] = 'required: expected a number';
    else if (!Number.isFinite(value)) errors[field] = `expected a number, found "${text}"`;
    numbers[field] = value;
  }
  return { numbers, errors };
}

/** The wire config the form describes (numbers parsed, LoRA placement expanded to PEFT's fields). */
export function formToConfigInput(model: RunFormModel, numbers: Record<NumberField, number>): RunConfigInput {
  const cAttn = model.loraModules.includes('attn.c_attn');
  const allQkv = model.loraQkv.every(Boolean);
  return {
    name: model.name,
    method: model.method,
    maxUpdateNorm: model.maxUpdateNorm,
    updateNormLimit: model.updateNormLimit,
    model: model.model,
    seed: numbers.seed,
    cut: numbers.cut,
    lora: {
      r: numbers.loraR,
      lora_alpha: numbers.loraAlpha,
      lora_dropout: numbers.loraDropout,
      target_modules: modulesToTargets(model.loraModules),
      fan_in_fan_out: true,
      enable_lora: cAttn && !allQkv ? ([...model.loraQkv] as [boolean, boolean, boolean]) : null,
    },
    lr: numbers.lr,
    schedule: model.schedule,
    warmupSteps: numbers.warmupSteps,
    weightDecay: numbers.weightDecay,
    maxGradNorm: numbers.maxGradNorm,
    labelSmoothing: numbers.labelSmoothing,
    batchSize: numbers.batchSize,
    maxSeqLen: numbers.maxSeqLen,
    padMultiple: numbers.padMultiple,
    localSteps: numbers.localSteps,
    rounds: numbers.rounds,
    minClients: numbers.minClients,
    maxClients: numbers.maxClients,
    inviteOnly: model.inviteOnly,
    roundTimeoutSec: numbers.roundTimeoutSec,
    reconnectGraceSec: numbers.reconnectGraceSec,
    sfl: model.sfl,
    layout: model.layout,
    wireDtype: model.wireDtype,
    fusionWindowMs: numbers.fusionWindowMs,
    evalData: model.evalData === '' ? null : model.evalData,
    evalSamples: numbers.evalSamples,
    ...privacyToConfigInput(model),
    ...cycleToConfigInput(model),
  };
}
