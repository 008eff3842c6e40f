// The "New run" card: the run form (starting from a named preset: short run or the paper's), errors next to each field as the admin types,
// and the Create button, off while a run is in progress.
import { RUN_PRESET_IDS, RUN_PRESETS, type RunConfig } from '@splitlora/protocol';
import { presetChoices, presetNote } from '../form/preset-note.js';
import { defaultRunForm, formFromConfig, type FormField, presetRunForm, type RunFormModel } from '../form/run-form-model.js';
import { validateRunForm, type RunFormValidation } from '../form/run-form-validation.js';
import type { ServerInfo } from '../state/dashboard-state.js';
import { card, h, setChildren } from './dom.js';
import { selectField } from './form-fields.js';
import { createRunFormFields } from './run-form-fields.js';

export interface RunFormView {
  element: HTMLElement;
  /** `blockedReason`: why a run cannot be created now (shown under the button), or null when it can. */
  update(input: { server: ServerInfo | null; currentConfig: RunConfig | null; blockedReason: string | null }): void;
  setBusy(busy: boolean): void;
  setMessage(message: string, tone?: 'info' | 'error'): void;
}

/** Cross-field checks report on another field: changing the key can raise or clear an error on the value. */
const LINKED_FIELDS: Partial<Record<FormField, FormField>> = { model: 'cut', maxSeqLen: 'padMultiple', maxClients: 'minClients' };

export function createRunFormView(onCreate: (config: RunConfig) => void): RunFormView {
  let model: RunFormModel = defaultRunForm();
  /** Errors show on fields the admin changed, and on all of them after a submit. */
  const touched = new Set<FormField>();
  let showAll = false;
  let server: ServerInfo | null = null;
  let currentConfig: RunConfig | null = null;
  let blockedReason: string | null = null;
  let busy = false;

  const fields = createRunFormFields((field, patch) => {
    model = { ...model, ...patch };
    touched.add(field);
    const linked = LINKED_FIELDS[field];
    if (linked) touched.add(linked);
    sync();
    showErrors(validateRunForm(model));
  });

  const general = h('ul', { class: 'form-general-errors', role: 'alert' });
  const message = h('p', { class: 'action-message', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, ['Create run']);
  const preset = selectField('Settings preset', '', true);
  const copy = h('button', { type: 'button', class: 'btn btn-ghost', disabled: true }, ['Copy current run']);
  const blocked = h('p', { id: 'create-blocked', class: 'field-help form-blocked' });
  const form = h('form', { class: 'run-form', novalidate: true }, [
    preset.element, ...fields.sections, general, h('div', { class: 'button-row' }, [submit, copy]), blocked, message,
  ]);
  const { element, body } = card('New run', { id: 'new-run', description: 'Starts from the “short run” preset; choose “paper (SplitLoRA)” for the authors’ GPT-2 E2E recipe.' });
  body.append(form);

  function showErrors(result: RunFormValidation): void {
    const errors = result.ok ? {} : result.errors;
    for (const [field, handle] of fields.handles) handle.setError(showAll || touched.has(field) ? errors[field] : undefined);
    setChildren(general, showAll && !result.ok ? result.general.map((g) => h('li', {}, [g])) : []);
  }

  function sync(): void {
    fields.syncDependent(model, server);
    submit.disabled = busy || blockedReason !== null;
    blocked.textContent = blockedReason ?? '';
    blocked.hidden = blockedReason === null;
    if (blockedReason === null) submit.removeAttribute('aria-describedby');
    else submit.setAttribute('aria-describedby', blocked.id);
    copy.disabled = currentConfig === null;
    const note = presetNote(model);
    preset.setOptions(presetChoices(note.value), note.value);
    preset.setHelp(note.text);
  }

  function load(next: RunFormModel, note: string): void {
    model = next;
    touched.clear();
    showAll = false;
    fields.fill(model);
    sync();
    showErrors(validateRunForm(model));
    view.setMessage(note);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = validateRunForm(model);
    showAll = true;
    showErrors(result);
    if (result.ok) {
      view.setMessage('');
      onCreate(result.config);
      return;
    }
    const firstInvalid = form.querySelector<HTMLElement>('.has-error');
    const fold = firstInvalid?.closest('details');
    if (fold) fold.open = true;
    firstInvalid?.querySelector<HTMLElement>('input, select')?.focus();
    const count = Object.keys(result.errors).length;
    view.setMessage(count > 0 ? `Fix the ${count} marked field${count === 1 ? '' : 's'} first.` : (result.general[0] ?? 'The settings are not valid.'), 'error');
  });
  preset.select.addEventListener('change', () => {
    const id = RUN_PRESET_IDS.find((p) => p === preset.select.value);
    if (id !== undefined) load(presetRunForm(id, { model: model.model, name: model.name }), `Loaded the “${RUN_PRESETS[id].label}” preset.`);
  });
  copy.addEventListener('click', () => {
    if (currentConfig !== null) load(formFromConfig(currentConfig), 'Copied the current run’s settings.');
  });

  const view: RunFormView = {
    element,
    update(input) {
      server = input.server;
      currentConfig = input.currentConfig;
      blockedReason = input.blockedReason;
      sync();
    },
    setBusy(value) {
      busy = value;
      submit.textContent = value ? 'Creating…' : 'Create run';
      sync();
    },
    setMessage(text, tone = 'info') {
      message.textContent = text;
      message.className = `action-message ${tone === 'error' ? 'is-error' : ''}`.trim();
    },
  };
  load(model, '');
  return view;
}
