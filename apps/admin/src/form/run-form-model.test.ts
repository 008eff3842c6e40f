// The run form starts at the "short run" preset and maps LoRA placement to PEFT's fields and back without loss.
import { describe, expect, it } from 'vitest';
import { PAPER_LORA, presetConfig, runConfigSchema } from '@splitlora/protocol';
import { defaultRunForm, formFromConfig, formToConfigInput, parseNumberFields, presetRunForm } from './run-form-model.js';
import { modulesToTargets, targetsToModules } from './lora-targets.js';

describe('run form model', () => {
  it('starts at exactly the "short run" preset: the schema defaults plus evaluation data (issue 13)', () => {
    const form = defaultRunForm();
    const { numbers, errors } = parseNumberFields(form);
    expect(errors).toEqual({});
    const input = formToConfigInput(form, numbers);
    expect(input).toEqual(runConfigSchema.parse({ evalData: 'e2e/devset.csv' }));
    expect(input.lora).toEqual(PAPER_LORA);
    expect(form.model).toBe('tiny-shakespeare'); // the embedded pretrained default (issue 13)
    expect(form.cut).toBe('3');
    expect(form.lr).toBe('0.0002');
    expect(form.sfl).toBe('v2');
    expect(form.evalData).toBe('e2e/devset.csv'); // a held-out slice of E2E dev, so the Evaluation chart has data
  });

  it('fills a preset keeping the chosen model and name', () => {
    const form = presetRunForm('paper', { model: 'gpt2', name: 'mine' });
    expect(form.model).toBe('gpt2');
    expect(form.name).toBe('mine');
    expect(form.labelSmoothing).toBe('0.1');
    expect(form.warmupSteps).toBe('500');
    expect(form.maxGradNorm).toBe('0');
    const { numbers } = parseNumberFields(form);
    expect(formToConfigInput(form, numbers)).toEqual(presetConfig('paper', { model: 'gpt2', name: 'mine' }));
  });

  it('round-trips a non-default config', () => {
    const config = runConfigSchema.parse({
      model: 'gpt2', cut: 6, sfl: 'v1', wireDtype: 'float32', evalData: 'e2e-test.csv',
      lora: { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: ['c_attn', 'c_proj', 'c_fc'], enable_lora: null },
    });
    const form = formFromConfig(config);
    expect(form.loraModules).toEqual(['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj']);
    expect(form.loraQkv).toEqual([true, true, true]);
    const { numbers } = parseNumberFields(form);
    expect(runConfigSchema.parse(formToConfigInput(form, numbers))).toEqual(config);
  });

  it('writes the shortest PEFT target list for the chosen modules', () => {
    expect(modulesToTargets(['attn.c_attn'])).toEqual(['c_attn']);
    expect(modulesToTargets(['attn.c_proj', 'mlp.c_proj'])).toEqual(['c_proj']);
    expect(modulesToTargets(['mlp.c_proj'])).toEqual(['mlp.c_proj']);
    expect(modulesToTargets(['attn.c_attn', 'mlp.c_fc'])).toEqual(['c_attn', 'c_fc']);
    expect(targetsToModules(['c_proj'])).toEqual(['attn.c_proj', 'mlp.c_proj']);
    expect(targetsToModules(['attn.c_attn'])).toEqual(['attn.c_attn']);
  });

  it('sends enable_lora only when c_attn is adapted on a subset of q, k, v', () => {
    const form = { ...defaultRunForm(), loraModules: ['mlp.c_fc' as const] };
    const { numbers } = parseNumberFields(form);
    expect(formToConfigInput(form, numbers).lora?.enable_lora).toBeNull();
  });

  it('reports empty and non-numeric numbers on their field', () => {
    const { errors } = parseNumberFields({ ...defaultRunForm(), lr: 'fast', rounds: ' ' });
    expect(errors.lr).toBe('expected a number, found "fast"');
    expect(errors.rounds).toBe('required: expected a number');
  });
});
