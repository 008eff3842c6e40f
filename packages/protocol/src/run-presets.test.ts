// The run presets: "paper (SplitLoRA)" holds the authors' settings, "short run" the schema's defaults plus evaluation
// data, both are valid configs for every model, and a config is recognised as the preset it equals.
import { describe, expect, it } from 'vitest';
import { PAPER_LORA } from './lora-config.js';
import { runConfigSchema } from './run-config.js';
import { DEFAULT_EVAL_DATA, DEFAULT_RUN_PRESET, matchingPreset, presetConfig, RUN_PRESET_IDS } from './run-presets.js';

describe('run presets', () => {
  it('paper (SplitLoRA): the settings of the authors’ gpt2_ft_sfl.py', () => {
    const c = presetConfig('paper');
    expect(c.labelSmoothing).toBe(0.1);
    expect(c.warmupSteps).toBe(500);
    expect(c.maxGradNorm).toBe(0);
    expect(c.lr).toBe(2e-4);
    expect(c.weightDecay).toBe(0.01);
    expect(c.schedule).toBe('linear');
    expect(c.batchSize).toBe(8);
    expect(c.maxSeqLen).toBe(512);
    expect(c.cut).toBe(3);
    expect(c.lora).toEqual(PAPER_LORA);
    expect(c.lora.r).toBe(4);
    expect(c.lora.enable_lora).toEqual([true, false, true]);
    expect(c.localSteps).toBe(33);
    expect(c.sfl).toBe('v2');
    expect(c.evalData).toBe(DEFAULT_EVAL_DATA);
  });

  it('short run: the schema’s defaults, with a held-out slice of E2E dev for evaluation', () => {
    const c = presetConfig('short-run');
    expect(DEFAULT_RUN_PRESET).toBe('short-run');
    expect(c).toEqual(runConfigSchema.parse({ evalData: 'e2e/devset.csv' }));
    expect(c.evalData).not.toBeNull();
    expect(c.warmupSteps).toBe(0);
    expect(c.maxGradNorm).toBe(1);
  });

  it('keeps the model and name it is given, and is valid for every embedded and preset model', () => {
    for (const model of ['tiny-shakespeare', 'tiny', 'gpt2', 'gpt2-medium', 'hf:gpt2']) {
      for (const id of RUN_PRESET_IDS) {
        const c = presetConfig(id, { model, name: 'mine' });
        expect(c.model).toBe(model);
        expect(c.name).toBe('mine');
        expect(runConfigSchema.safeParse(c).success, `${id} on ${model}`).toBe(true);
      }
    }
  });

  it('recognises the preset a config equals and nothing else', () => {
    for (const id of RUN_PRESET_IDS) expect(matchingPreset(presetConfig(id, { model: 'tiny', name: 'x' }))).toBe(id);
    expect(matchingPreset({ ...presetConfig('paper'), labelSmoothing: 0 })).toBeNull();
    expect(matchingPreset(runConfigSchema.parse({}))).toBeNull(); // no evaluation data: not the short-run preset
  });
});
