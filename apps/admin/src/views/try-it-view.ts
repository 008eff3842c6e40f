// The "Try it" card: a prompt and decoding settings → text generated with the current global adapters.
import type { GenerateRequest, GenerateResponse } from '@splitlora/protocol';
import { formatSeconds } from '../state/format.js';
import { defaultGenerateForm, splitGenerated, validateGenerateForm, type GenerateField, type GenerateFormModel } from '../try-it/generate-form.js';
import { card, h, setChildren, uid } from './dom.js';
import { choiceField, inputField, type FieldHandle } from './form-fields.js';

export interface TryItView {
  element: HTMLElement;
  setEnabled(enabled: boolean, reason?: string): void;
}

export function createTryItView(generate: (request: GenerateRequest) => Promise<GenerateResponse>): TryItView {
  let model: GenerateFormModel = defaultGenerateForm();
  let enabled = false;
  let busy = false;

  const promptId = uid('prompt');
  const prompt = h('textarea', { id: promptId, rows: 3, maxlength: 2000, 'aria-describedby': `${promptId}-help ${promptId}-error` });
  prompt.value = model.prompt;
  const promptError = h('p', { id: `${promptId}-error`, class: 'field-error' });
  const promptField: FieldHandle = {
    element: h('div', { class: 'field field-wide' }, [
      h('label', { for: promptId }, ['Prompt']),
      prompt,
      h('p', { id: `${promptId}-help`, class: 'field-help' }, ['E2E-style meaning representation, or any text.']),
      promptError,
    ]),
    setError(message) {
      promptError.textContent = message ?? '';
      prompt.setAttribute('aria-invalid', message ? 'true' : 'false');
    },
    setHelp() {},
  };

  const maxNew = inputField('Max new tokens', '1 – 256.', { inputmode: 'numeric' });
  const decoding = choiceField('radio', 'Decoding', 'Greedy always picks the likeliest token.', [
    { value: 'greedy', label: 'Greedy' }, { value: 'sample', label: 'Sampling' },
  ], true);
  const temperature = inputField('Temperature', 'Higher is more varied (0.05 – 5).', { inputmode: 'decimal' });
  const topK = inputField('Top-k', 'Sample among the k likeliest tokens.', { inputmode: 'numeric' });
  const seed = inputField('Seed', 'Same seed, same sample.', { inputmode: 'numeric' });
  const asContext = h('input', { type: 'checkbox', id: uid('as-context') });
  const handles: Record<Exclude<GenerateField, 'greedy' | 'asContext'>, FieldHandle> = { prompt: promptField, maxNewTokens: maxNew, temperature, topK, seed };

  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, ['Generate']);
  const reason = h('p', { class: 'field-help' });
  const output = h('div', { class: 'generate-output', role: 'status', 'aria-live': 'polite' });

  const form = h('form', { class: 'try-form', novalidate: true }, [
    promptField.element,
    h('div', { class: 'form-grid' }, [maxNew.element, decoding.element, temperature.element, topK.element, seed.element]),
    h('label', { class: 'check', for: asContext.id }, [asContext, 'Format as training context (“prompt ||”)']),
    h('div', { class: 'button-row' }, [submit, reason]),
    output,
  ]);
  const { element, body } = card('Try it', { id: 'try-it', description: 'Generate with the current global adapters.' });
  body.append(form);

  function fill(): void {
    maxNew.input.value = model.maxNewTokens;
    temperature.input.value = model.temperature;
    topK.input.value = model.topK;
    seed.input.value = model.seed;
    asContext.checked = model.asContext;
    decoding.inputs.forEach((i) => { i.checked = (i.value === 'greedy') === model.greedy; });
    sync();
  }

  function sync(): void {
    for (const f of [temperature, topK, seed]) f.input.disabled = model.greedy;
    submit.disabled = !enabled || busy;
    submit.textContent = busy ? 'Generating…' : 'Generate';
  }

  const bind = (input: HTMLInputElement | HTMLTextAreaElement, field: 'prompt' | 'maxNewTokens' | 'temperature' | 'topK' | 'seed') => {
    input.addEventListener('input', () => {
      model = { ...model, [field]: input.value };
      handles[field].setError(undefined);
    });
  };
  bind(prompt, 'prompt');
  bind(maxNew.input, 'maxNewTokens');
  bind(temperature.input, 'temperature');
  bind(topK.input, 'topK');
  bind(seed.input, 'seed');
  asContext.addEventListener('change', () => { model = { ...model, asContext: asContext.checked }; });
  decoding.inputs.forEach((i) => i.addEventListener('change', () => {
    model = { ...model, greedy: i.value === 'greedy' };
    sync();
  }));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = validateGenerateForm(model);
    for (const [field, handle] of Object.entries(handles)) handle.setError(result.ok ? undefined : result.errors[field as GenerateField]);
    if (!result.ok || !enabled) return;
    busy = true;
    sync();
    setChildren(output, [h('p', { class: 'muted' }, ['Generating…'])]);
    generate(result.request).then((response) => {
      const parts = splitGenerated(response.text, response.completion);
      setChildren(output, [
        h('p', { class: 'generated' }, [h('span', { class: 'generated-prompt' }, [parts.prefix]), h('mark', {}, [parts.completion])]),
        h('p', { class: 'field-help' }, [`Round ${response.round} adapters · ${response.tokens} tokens in ${formatSeconds(response.seconds)}`]),
      ]);
    }, (error: unknown) => {
      setChildren(output, [h('p', { class: 'field-error' }, [`Generation failed: ${error instanceof Error ? error.message : String(error)}`])]);
    }).finally(() => {
      busy = false;
      sync();
    });
  });

  fill();
  return {
    element,
    setEnabled(value, why = '') {
      enabled = value;
      reason.textContent = value ? '' : why;
      sync();
    },
  };
}
