// The "try it" box's model (prompt and sampling settings as typed) → a validated generate request.
import { generateRequestSchema, type GenerateRequest } from '@splitlora/protocol';
import { issueMessage } from '../form/issue-message.js';

export interface GenerateFormModel {
  prompt: string;
  maxNewTokens: string;
  greedy: boolean;
  temperature: string;
  topK: string;
  seed: string;
  asContext: boolean;
}

export type GenerateField = keyof GenerateFormModel;

export function defaultGenerateForm(): GenerateFormModel {
  const d = generateRequestSchema.parse({ prompt: 'x' });
  return {
    prompt: 'name[The Eagle], eatType[coffee shop], food[French], area[riverside]',
    maxNewTokens: String(d.maxNewTokens),
    greedy: d.greedy,
    temperature: String(d.temperature),
    topK: String(d.topK),
    seed: String(d.seed),
    asContext: d.asContext,
  };
}

export type GenerateValidation =
  | { ok: true; request: GenerateRequest }
  | { ok: false; errors: Partial<Record<GenerateField, string>> };

const NUMERIC = ['maxNewTokens', 'temperature', 'topK', 'seed'] as const;
const SAMPLING_ONLY: ReadonlySet<GenerateField> = new Set(['temperature', 'topK', 'seed']);

/** Greedy decoding ignores the sampling settings, so their (disabled) inputs are not validated then. */
export function validateGenerateForm(model: GenerateFormModel): GenerateValidation {
  const errors: Partial<Record<GenerateField, string>> = {};
  const numbers = {} as Record<(typeof NUMERIC)[number], number>;
  for (const field of NUMERIC) {
    if (model.greedy && SAMPLING_ONLY.has(field)) {
      numbers[field] = Number(defaultGenerateForm()[field]);
      continue;
    }
    const text = model[field].trim();
    numbers[field] = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(numbers[field])) errors[field] = text === '' ? 'required: expected a number' : `expected a number, found "${text}"`;
  }
  const request: GenerateRequest = { prompt: model.prompt, greedy: model.greedy, asContext: model.asContext, ...numbers };
  const result = generateRequestSchema.safeParse(request);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in model) errors[field as GenerateField] ??= issueMessage(issue, request[field as keyof GenerateRequest]);
    }
  }
  if (result.success && Object.keys(errors).length === 0) return { ok: true, request: result.data };
  return { ok: false, errors };
}

/** The generated text as the prompt part and the new part, for highlighting; the whole text is new when they do not line up. */
export function splitGenerated(text: string, completion: string): { prefix: string; completion: string } {
  return text.endsWith(completion) ? { prefix: text.slice(0, text.length - completion.length), completion } : { prefix: '', completion: text };
}
