// The inputs of the run form, grouped in sections: built once, filled from a form model, and kept in step with
// the fields they depend on (cut bound by the model, q/k/v only with c_attn, eval samples only with eval data).
import { trainsBlocks } from '@splitlora/protocol';
import { FIELD_TEXT } from '../form/field-text.js';
import { LORA_MODULE_CHOICES, LORA_MODULE_LABELS, type LoraModuleChoice } from '../form/lora-targets.js';
import { cutHelp, cutRange, modelChoices, modelLabel } from '../form/model-choices.js';
import type { FormField, NumberField, RunFormModel } from '../form/run-form-model.js';
import type { ServerInfo } from '../state/dashboard-state.js';
import { h } from './dom.js';
import { choiceField, inputField, selectField, type ChoiceField, type FieldHandle, type InputField } from './form-fields.js';

export interface RunFormFields {
  /** The form's sections in page order; the last one is the collapsed "Advanced settings". */
  sections: HTMLElement[];
  advanced: HTMLDetailsElement;
  handles: ReadonlyMap<FormField, FieldHandle>;
  fill(model: RunFormModel): void;
  syncDependent(model: RunFormModel, server: ServerInfo | null): void;
}

export type FieldChange = (field: FormField, patch: Partial<RunFormModel>) => void;

const INTEGER_FIELDS: ReadonlySet<NumberField> = new Set([
  'seed', 'cut', 'loraR', 'warmupSteps', 'batchSize', 'maxSeqLen', 'padMultiple', 'localSteps', 'rounds', 'minClients',
  'maxClients', 'fusionWindowMs', 'evalSamples',
]);

const ON_SPENT_OPTIONS = [{ value: 'stop', label: 'Stop the run' }, { value: 'warn', label: 'Warn and go on' }];

const CYCLE_SCHEDULE_OPTIONS = [
  { value: 'rotate', label: 'Rotate' }, { value: 'ascending', label: 'Ascending' }, { value: 'random', label: 'Random (seeded)' },
];

const DOWNLOAD_PICK_OPTIONS = [{ value: 'random', label: 'At random (the paper)' }, { value: 'stalest', label: 'Stalest first' }];

/** The folded LoRA section's line: rank, alpha, dropout and where the adapters go. */
function loraSummary(m: RunFormModel): string {
  const qkv = m.loraModules.includes('attn.c_attn') && !m.loraQkv.every(Boolean) ? ` (${['q', 'k', 'v'].filter((_, i) => m.loraQkv[i]).join(',')})` : '';
  const where = m.loraModules.length === 0 ? 'no modules' : m.loraModules.map((x) => `${x}${x === 'attn.c_attn' ? qkv : ''}`).join(', ');
  return `r ${m.loraR}, α ${m.loraAlpha}, dropout ${m.loraDropout} · ${where}`;
}

/** The folded privacy section's line: what is on. */
function privacySummary(m: RunFormModel): string {
  const parts = [
    m.dpEnabled ? `differential privacy (σ ${m.dpNoise}, clip ${m.dpClip})` : null, m.secureAggregation ? 'secure aggregation' : null,
    m.actNoiseEnabled ? `activation noise (σ ${m.actNoiseSigma}, clip ${m.actNoiseClip})` : null,
  ].filter((x) => x !== null);
  return parts.length === 0 ? 'off' : parts.join(' · ');
}

const SCHEDULE_OPTIONS = [{ value: 'linear', label: 'Linear decay' }, { value: 'cosine', label: 'Cosine' }, { value: 'constant', label: 'Constant' }];

export function createRunFormFields(onChange: FieldChange): RunFormFields {
  const handles = new Map<FormField, FieldHandle>();
  const numbers = new Map<NumberField, InputField>();

  const numberField = (field: NumberField, attrs: Record<string, number> = {}): InputField => {
    const f = inputField(FIELD_TEXT[field].label, FIELD_TEXT[field].help, { inputmode: INTEGER_FIELDS.has(field) ? 'numeric' : 'decimal', ...attrs });
    f.input.addEventListener('input', () => onChange(field, { [field]: f.input.value }));
    handles.set(field, f);
    numbers.set(field, f);
    return f;
  };
  const radios = <K extends 'method' | 'sfl' | 'wireDtype' | 'layout' | 'cycleUploadDtype'>(field: K, help: string, options: { value: RunFormModel[K]; label: string; hint?: string }[], inline = false): ChoiceField => {
    const f = choiceField('radio', FIELD_TEXT[field].label, help, options, inline);
    f.inputs.forEach((i) => i.addEventListener('change', () => onChange(field, { [field]: i.value })));
    handles.set(field, f);
    return f;
  };

  const name = inputField(FIELD_TEXT.name.label, FIELD_TEXT.name.help, { maxlength: 80 }, true);
  name.input.addEventListener('input', () => onChange('name', { name: name.input.value }));
  handles.set('name', name);

  const model = selectField(FIELD_TEXT.model.label, FIELD_TEXT.model.help);
  model.select.addEventListener('change', () => onChange('model', { model: model.select.value }));
  handles.set('model', model);
  const cut = numberField('cut', { min: 1 });

  const method = radios('method', FIELD_TEXT.method.help, [
    { value: 'splitlora', label: 'SplitLoRA', hint: 'LoRA adapters on the client split and the server split (SFL-V1/V2).' },
    { value: 'cybgd', label: 'FedCyBGD', hint: 'Each tab holds the whole model and trains one block per round with full parameters, without the server in the loop.' },
    { value: 'cybgd-split', label: 'FedCyBGD, split', hint: 'The block cycle over the client split’s blocks; the server keeps its LoRA.' },
    { value: 'sl', label: 'Sequential SL', hint: 'Tabs take turns, one at a time, each starting from the adapter the previous one uploaded; one shared server adapter (SFL-V2).' },
    { value: 'fedlora', label: 'Federated LoRA', hint: 'Each tab holds the whole model and trains LoRA on every block locally; the server only averages the adapters (FedAvg).' },
  ]);
  const sfl = radios('sfl', 'The paper’s default is V2.', [
    { value: 'v2', label: 'SFL-V2', hint: 'One shared server adapter; activations that arrive together are fused into one server batch.' },
    { value: 'v1', label: 'SFL-V1', hint: 'One server adapter copy per client, averaged at each round end.' },
  ]);
  const layout = radios('layout', FIELD_TEXT.layout.help, [
    { value: 'standard', label: 'Standard', hint: 'Tabs send activations and the next-token labels; the server computes the loss.' },
    { value: 'u-shaped', label: 'U-shaped', hint: 'Tabs send activations and gradients only; they keep the head, the labels and the loss.' },
  ]);
  const wire = radios('wireDtype', FIELD_TEXT.wireDtype.help, [{ value: 'float16', label: 'fp16' }, { value: 'float32', label: 'fp32' }], true);

  const modules = choiceField('checkbox', FIELD_TEXT.loraModules.label, FIELD_TEXT.loraModules.help,
    LORA_MODULE_CHOICES.map((m) => ({ value: m, label: LORA_MODULE_LABELS[m] })));
  modules.inputs.forEach((i) => i.addEventListener('change', () => onChange('loraModules', {
    loraModules: modules.inputs.filter((x) => x.checked).map((x) => x.value as LoraModuleChoice),
  })));
  handles.set('loraModules', modules);

  const qkv = choiceField('checkbox', FIELD_TEXT.loraQkv.label, FIELD_TEXT.loraQkv.help,
    [{ value: 'q', label: 'query' }, { value: 'k', label: 'key' }, { value: 'v', label: 'value' }], true);
  qkv.inputs.forEach((i) => i.addEventListener('change', () => onChange('loraQkv', {
    loraQkv: [qkv.inputs[0]?.checked ?? false, qkv.inputs[1]?.checked ?? false, qkv.inputs[2]?.checked ?? false],
  })));
  handles.set('loraQkv', qkv);

  const schedule = selectField(FIELD_TEXT.schedule.label, FIELD_TEXT.schedule.help);
  schedule.select.addEventListener('change', () => onChange('schedule', { schedule: schedule.select.value as RunFormModel['schedule'] }));
  handles.set('schedule', schedule);

  const evalData = selectField(FIELD_TEXT.evalData.label, FIELD_TEXT.evalData.help, true);
  evalData.select.addEventListener('change', () => onChange('evalData', { evalData: evalData.select.value }));
  handles.set('evalData', evalData);

  // Privacy: DP-FedAvg's settings (typed numbers, enabled by its checkbox) and secure aggregation.
  const toggle = (field: 'dpEnabled' | 'secureAggregation' | 'actNoiseEnabled', label: string): ChoiceField => {
    const f = choiceField('checkbox', FIELD_TEXT[field].label, FIELD_TEXT[field].help, [{ value: field, label }]);
    f.inputs[0]!.addEventListener('change', () => onChange(field, { [field]: f.inputs[0]!.checked }));
    handles.set(field, f);
    return f;
  };
  const dpEnabled = toggle('dpEnabled', 'Add noise and report ε');
  const inviteOnly = choiceField('checkbox', FIELD_TEXT.inviteOnly.label, FIELD_TEXT.inviteOnly.help, [{ value: 'inviteOnly', label: 'Only volunteers with the run\'s invite link' }]);
  inviteOnly.inputs[0]!.addEventListener('change', () => onChange('inviteOnly', { inviteOnly: inviteOnly.inputs[0]!.checked }));
  handles.set('inviteOnly', inviteOnly);
  const secureAggregation = toggle('secureAggregation', 'Mask the updates (the server learns only their sum)');
  const dpInputs = new Map<'dpNoise' | 'dpClip' | 'dpDelta' | 'dpBudget', InputField>();
  for (const field of ['dpNoise', 'dpClip', 'dpDelta', 'dpBudget'] as const) {
    const f = inputField(FIELD_TEXT[field].label, FIELD_TEXT[field].help, { inputmode: 'decimal' });
    f.input.addEventListener('input', () => onChange(field, { [field]: f.input.value }));
    handles.set(field, f);
    dpInputs.set(field, f);
  }
  const actNoiseEnabled = toggle('actNoiseEnabled', 'Clip and noise the cut activations in each tab');
  const actNoiseInputs = new Map<'actNoiseSigma' | 'actNoiseClip', InputField>();
  for (const field of ['actNoiseSigma', 'actNoiseClip'] as const) {
    const f = inputField(FIELD_TEXT[field].label, FIELD_TEXT[field].help, { inputmode: 'decimal' });
    f.input.addEventListener('input', () => onChange(field, { [field]: f.input.value }));
    handles.set(field, f);
    actNoiseInputs.set(field, f);
  }
  const dpOnSpent = selectField(FIELD_TEXT.dpOnSpent.label, FIELD_TEXT.dpOnSpent.help);
  dpOnSpent.select.addEventListener('change', () => onChange('dpOnSpent', { dpOnSpent: dpOnSpent.select.value as RunFormModel['dpOnSpent'] }));
  handles.set('dpOnSpent', dpOnSpent);

  // FedCyBGD's cycle (shown only for the block-training methods).
  const cycleSchedule = selectField(FIELD_TEXT.cycleSchedule.label, FIELD_TEXT.cycleSchedule.help);
  cycleSchedule.select.addEventListener('change', () => onChange('cycleSchedule', { cycleSchedule: cycleSchedule.select.value as RunFormModel['cycleSchedule'] }));
  handles.set('cycleSchedule', cycleSchedule);
  const cycleUpload = radios('cycleUploadDtype', FIELD_TEXT.cycleUploadDtype.help, [{ value: 'float16', label: 'fp16' }, { value: 'float32', label: 'fp32' }], true);
  const cycleFraction = inputField(FIELD_TEXT.cycleDownloadFraction.label, FIELD_TEXT.cycleDownloadFraction.help, { inputmode: 'decimal' });
  cycleFraction.input.addEventListener('input', () => onChange('cycleDownloadFraction', { cycleDownloadFraction: cycleFraction.input.value }));
  handles.set('cycleDownloadFraction', cycleFraction);
  const cyclePick = selectField(FIELD_TEXT.cycleDownloadPick.label, FIELD_TEXT.cycleDownloadPick.help);
  cyclePick.select.addEventListener('change', () => onChange('cycleDownloadPick', { cycleDownloadPick: cyclePick.select.value as RunFormModel['cycleDownloadPick'] }));
  handles.set('cycleDownloadPick', cyclePick);

  const section = (legend: string, fields: readonly FieldHandle[]): HTMLElement =>
    h('fieldset', { class: 'form-section' }, [h('legend', { class: 'form-section-title' }, [legend]), h('div', { class: 'form-grid' }, fields.map((f) => f.element))]);

  // A section folded under its title and a one-line summary of its settings (the form would be very long otherwise);
  // it opens by itself when one of its fields is invalid on submit.
  const folded = (legend: string, fields: readonly FieldHandle[]): { element: HTMLDetailsElement; summary: HTMLElement } => {
    const summary = h('span', { class: 'form-fold-summary muted' });
    const element = h('details', { class: 'form-section form-fold' }, [
      h('summary', {}, [h('span', { class: 'form-section-title' }, [legend]), summary]),
      h('div', { class: 'form-grid' }, fields.map((f) => f.element)),
    ]);
    return { element, summary };
  };
  const lora = folded('LoRA adapters', [numberField('loraR', { min: 1 }), numberField('loraAlpha', { min: 0 }), numberField('loraDropout', { min: 0, max: 0.9 }), modules, qkv]);
  const privacy = folded('Privacy', [dpEnabled, ...dpInputs.values(), dpOnSpent, secureAggregation, actNoiseEnabled, ...actNoiseInputs.values()]);

  const cycleSection = section('Block cycle (FedCyBGD)', [cycleSchedule, cycleUpload, cycleFraction, cyclePick]);
  cycleSection.id = 'cycle-settings';
  const sections = [
    section('Model and split', [name, method, model, cut, layout, sfl, wire]),
    cycleSection,
    lora.element,
    section('Training', [numberField('lr'), schedule, numberField('batchSize', { min: 1 }), numberField('maxSeqLen', { min: 8 }), numberField('padMultiple', { min: 1 }), numberField('localSteps', { min: 1 }), numberField('rounds', { min: 1 })]),
    section('Volunteers', [numberField('minClients', { min: 1 }), numberField('maxClients', { min: 1 }), numberField('roundTimeoutSec', { min: 1 }), inviteOnly]),
    section('Evaluation', [evalData, numberField('evalSamples', { min: 1 })]),
    privacy.element,
  ];
  const advanced = h('details', { class: 'form-advanced' }, [
    h('summary', {}, ['Advanced settings']),
    h('div', { class: 'form-grid' }, [
      numberField('seed', { min: 0 }), numberField('warmupSteps', { min: 0 }), numberField('weightDecay', { min: 0, max: 1 }),
      numberField('maxGradNorm', { min: 0 }), numberField('labelSmoothing', { min: 0, max: 0.5 }),
      numberField('reconnectGraceSec', { min: 0 }), numberField('fusionWindowMs', { min: 0 }),
    ].map((f) => f.element)),
  ]);
  sections.push(advanced);

  return {
    sections,
    advanced,
    handles,
    fill(m) {
      name.input.value = m.name;
      for (const [field, f] of numbers) f.input.value = m[field];
      method.inputs.forEach((i) => { i.checked = i.value === m.method; });
      sfl.inputs.forEach((i) => { i.checked = i.value === m.sfl; });
      layout.inputs.forEach((i) => { i.checked = i.value === m.layout; });
      wire.inputs.forEach((i) => { i.checked = i.value === m.wireDtype; });
      modules.inputs.forEach((i) => { i.checked = m.loraModules.includes(i.value as LoraModuleChoice); });
      qkv.inputs.forEach((i, k) => { i.checked = m.loraQkv[k] ?? false; });
      schedule.setOptions(SCHEDULE_OPTIONS, m.schedule);
      dpEnabled.inputs[0]!.checked = m.dpEnabled;
      secureAggregation.inputs[0]!.checked = m.secureAggregation;
      inviteOnly.inputs[0]!.checked = m.inviteOnly;
      for (const [field, f] of dpInputs) f.input.value = m[field];
      actNoiseEnabled.inputs[0]!.checked = m.actNoiseEnabled;
      for (const [field, f] of actNoiseInputs) f.input.value = m[field];
      dpOnSpent.setOptions(ON_SPENT_OPTIONS, m.dpOnSpent);
      cycleSchedule.setOptions(CYCLE_SCHEDULE_OPTIONS, m.cycleSchedule);
      cycleUpload.inputs.forEach((i) => { i.checked = i.value === m.cycleUploadDtype; });
      cycleFraction.input.value = m.cycleDownloadFraction;
      cyclePick.setOptions(DOWNLOAD_PICK_OPTIONS, m.cycleDownloadPick);
    },
    syncDependent(m, server) {
      const range = cutRange(m.model);
      if (range.max === null) cut.input.removeAttribute('max');
      else cut.input.max = String(range.max);
      cut.setHelp(cutHelp(m.model));
      model.setOptions(modelChoices(server?.models ?? [], m.model).map((x) => ({ value: x, label: modelLabel(x) })), m.model);
      const files = server?.dataFiles ?? [];
      const evalChoices = [{ value: '', label: 'None (no evaluation)' }, ...files.map((f) => ({ value: f, label: f }))];
      if (m.evalData !== '' && !files.includes(m.evalData)) evalChoices.push({ value: m.evalData, label: `${m.evalData} (not on the server)` });
      evalData.setOptions(evalChoices, m.evalData);
      const samples = numbers.get('evalSamples');
      if (samples) samples.input.disabled = m.evalData === '';
      qkv.inputs.forEach((i) => { i.disabled = !m.loraModules.includes('attn.c_attn'); });
      for (const f of dpInputs.values()) f.input.disabled = !m.dpEnabled;
      for (const f of actNoiseInputs.values()) f.input.disabled = !m.actNoiseEnabled;
      lora.summary.textContent = loraSummary(m);
      privacy.summary.textContent = privacySummary(m);
      cycleSection.hidden = !trainsBlocks(m.method);
      cyclePick.select.disabled = m.cycleDownloadFraction.trim() === '1';
      dpOnSpent.select.disabled = !m.dpEnabled || m.dpBudget.trim() === '';
      const fusion = numbers.get('fusionWindowMs');
      if (fusion) fusion.input.disabled = m.sfl === 'v1';
    },
  };
}
