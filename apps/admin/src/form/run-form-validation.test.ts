// Each invalid run form input gives its message on the right field (validated by the protocol's runConfigSchema).
import { describe, expect, it } from 'vitest';
import { defaultRunForm, type RunFormModel } from './run-form-model.js';
import { fieldOfPath, validateRunForm } from './run-form-validation.js';
import { cutRange, modelChoices } from './model-choices.js';

function errorsOf(changes: Partial<RunFormModel>) {
  const result = validateRunForm({ ...defaultRunForm(), ...changes });
  if (result.ok) throw new Error(`expected the form ${JSON.stringify(changes)} to be invalid, it passed`);
  return result.errors;
}

describe('run form validation', () => {
  it('accepts the defaults', () => {
    const result = validateRunForm(defaultRunForm());
    expect(result.ok).toBe(true);
  });

  it('bounds the cut by the model depth', () => {
    expect(errorsOf({ model: 'tiny', cut: '6' }).cut).toBe('cut layer 6 out of range 1..5 for tiny');
    expect(errorsOf({ model: 'gpt2', cut: '14' }).cut).toBe('cut layer 14 out of range 1..11 for gpt2');
    expect(validateRunForm({ ...defaultRunForm(), model: 'gpt2', cut: '11' }).ok).toBe(true);
    expect(errorsOf({ cut: '0' }).cut).toBe('must be at least 1, found 0');
  });

  it('leaves the cut bound of hf: models to the server', () => {
    expect(validateRunForm({ ...defaultRunForm(), model: 'hf:my-model', cut: '40' }).ok).toBe(true);
    expect(cutRange('hf:my-model')).toEqual({ min: 1, max: null });
    expect(cutRange('gpt2-medium')).toEqual({ min: 1, max: 23 });
  });

  it('refuses minClients above maxClients', () => {
    expect(errorsOf({ minClients: '5', maxClients: '2' }).minClients).toBe('minClients 5 exceeds maxClients 2');
  });

  it('refuses a learning rate of zero or below', () => {
    expect(errorsOf({ lr: '0' }).lr).toBe('must be greater than 0, found 0');
    expect(errorsOf({ lr: '-1e-4' }).lr).toBe('must be greater than 0, found -0.0001');
  });

  it('refuses empty LoRA targets', () => {
    const errors = errorsOf({ loraModules: [] });
    expect(errors.loraModules).toBe('choose at least one');
    expect(Object.keys(errors)).toEqual(['loraModules']);
  });

  it('refuses c_attn with none of q, k, v', () => {
    expect(errorsOf({ loraQkv: [false, false, false] }).loraQkv).toMatch(/at least one of q, k, v/);
  });

  it('puts "not a multiple of padMultiple" on padMultiple', () => {
    expect(errorsOf({ maxSeqLen: '100' }).padMultiple).toBe('maxSeqLen 100 is not a multiple of padMultiple 8');
  });

  it('explains integer and range problems with the value found', () => {
    expect(errorsOf({ batchSize: '2.5' }).batchSize).toBe('must be a whole number, found 2.5');
    expect(errorsOf({ loraDropout: '0.95' }).loraDropout).toBe('must be at most 0.9, found 0.95');
    expect(errorsOf({ name: '  ' }).name).toBe('must not be empty');
    expect(errorsOf({ model: 'gpt5' }).model).toMatch(/^model must be one of tiny-shakespeare, tiny, distilgpt2/);
  });

  it('maps config paths to form fields', () => {
    expect(fieldOfPath(['lora', 'lora_alpha'])).toBe('loraAlpha');
    expect(fieldOfPath(['lora', 'target_modules', 0])).toBe('loraModules');
    expect(fieldOfPath(['evalSamples'])).toBe('evalSamples');
    expect(fieldOfPath([])).toBeNull();
  });

  it('offers the server models and keeps the selected one', () => {
    expect(modelChoices(['gpt2', 'hf:my-model'], 'tiny')).toEqual(['tiny', 'gpt2', 'hf:my-model']);
    expect(modelChoices([], 'tiny')).toContain('gpt2-xl');
  });
});
