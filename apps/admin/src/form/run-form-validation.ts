// Validates the run form with the protocol's runConfigSchema and maps each zod issue, by its path, to a form field.
import { runConfigSchema, type RunConfig } from '@splitlora/protocol';
import { issueMessage } from './issue-message.js';
import { CYCLE_FIELDS } from './cycle-form.js';
import { ACT_NOISE_FIELDS, DP_FIELDS } from './privacy-form.js';
import { formToConfigInput, parseNumberFields, type FieldErrors, type FormField, type RunFormModel } from './run-form-model.js';

export type RunFormValidation =
  | { ok: true; config: RunConfig }
  | { ok: false; errors: FieldErrors; /** Issues that belong to no field. */ general: string[] };

const LORA_FIELDS: Record<string, FormField> = {
  r: 'loraR', lora_alpha: 'loraAlpha', lora_dropout: 'loraDropout', target_modules: 'loraModules', enable_lora: 'loraQkv',
};

const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set<FormField>([
  'name', 'method', 'model', 'seed', 'cut', 'lr', 'schedule', 'warmupSteps', 'weightDecay', 'maxGradNorm', 'labelSmoothing', 'batchSize',
  'maxSeqLen', 'padMultiple', 'localSteps', 'rounds', 'minClients', 'maxClients', 'roundTimeoutSec', 'reconnectGraceSec', 'sfl', 'layout',
  'wireDtype', 'fusionWindowMs', 'evalData', 'evalSamples', 'secureAggregation', 'inviteOnly',
]);

/** The form field that shows an issue at this config path, or null for an issue of the whole config. */
export function fieldOfPath(path: readonly PropertyKey[]): FormField | null {
  const [head, sub] = path;
  if (head === 'lora') return typeof sub === 'string' ? (LORA_FIELDS[sub] ?? null) : null;
  if (head === 'dp') return typeof sub === 'string' ? (DP_FIELDS[sub] ?? 'dpEnabled') : 'dpEnabled';
  if (head === 'activationNoise') return typeof sub === 'string' ? (ACT_NOISE_FIELDS[sub] ?? 'actNoiseEnabled') : 'actNoiseEnabled';
  if (head === 'cycle') return typeof sub === 'string' ? (CYCLE_FIELDS[sub] ?? null) : null;
  return typeof head === 'string' && TOP_LEVEL_FIELDS.has(head) ? (head as FormField) : null;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function validateRunForm(model: RunFormModel): RunFormValidation {
  const { numbers, errors } = parseNumberFields(model);
  if (model.loraModules.includes('attn.c_attn') && !model.loraQkv.includes(true)) {
    errors.loraQkv = 'choose at least one of q, k, v (or untick attn.c_attn)';
  }
  const input = formToConfigInput(model, numbers);
  const result = runConfigSchema.safeParse(input);
  const general: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = fieldOfPath(issue.path);
      // A field already reported (e.g. "expected a number") keeps its first, most specific message.
      if (field === null) general.push(issue.message);
      else errors[field] ??= issueMessage(issue, valueAt(input, issue.path));
    }
  }
  if (result.success && Object.keys(errors).length === 0) return { ok: true, config: result.data };
  return { ok: false, errors, general };
}
