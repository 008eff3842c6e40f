// The run form's privacy fields: off by default, a ticked DP with typed numbers becomes the config's dp, a bad number
// is reported on its own field, and a config with DP and secure aggregation fills the form back.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { defaultRunForm, formFromConfig } from './run-form-model.js';
import { validateRunForm } from './run-form-validation.js';

describe('privacy fields of the run form', () => {
  it('are off by default: no dp, no secure aggregation', () => {
    const result = validateRunForm(defaultRunForm());
    expect(result.ok && [result.config.dp, result.config.secureAggregation]).toEqual([null, false]);
  });

  it('map a ticked DP and secure aggregation onto the config', () => {
    const form = { ...defaultRunForm(), minClients: '2', dpEnabled: true, dpNoise: '1.5', dpClip: '0.05', dpDelta: '1e-6', dpBudget: '8', dpOnSpent: 'warn' as const, secureAggregation: true };
    const result = validateRunForm(form);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.dp).toEqual({ noiseMultiplier: 1.5, clipNorm: 0.05, delta: 1e-6, epsilonBudget: 8, onBudgetSpent: 'warn' });
    expect(result.config.secureAggregation).toBe(true);
    expect(formFromConfig(result.config)).toMatchObject({ dpEnabled: true, dpNoise: '1.5', dpBudget: '8', secureAggregation: true });
  });

  it('reports bad DP numbers on their fields, and secure aggregation with one volunteer on minClients', () => {
    const result = validateRunForm({ ...defaultRunForm(), dpEnabled: true, dpNoise: '-1', dpDelta: '', dpBudget: '' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.dpNoise).toMatch(/at least 0, found -1/);
    expect(result.errors.dpDelta).toBeDefined();
    expect(result.errors.dpBudget).toBeUndefined(); // empty: no budget
    const lone = validateRunForm({ ...defaultRunForm(), secureAggregation: true, minClients: '1' });
    expect(!lone.ok && lone.errors.minClients).toMatch(/secure aggregation needs minClients >= 2/);
    expect(formFromConfig(runConfigSchema.parse({})).dpEnabled).toBe(false);
  });

  it('map a ticked activation noise onto the config, report its bad numbers on their fields, and fill it back', () => {
    const result = validateRunForm({ ...defaultRunForm(), actNoiseEnabled: true, actNoiseSigma: '2', actNoiseClip: '40' });
    expect(result.ok && result.config.activationNoise).toEqual({ noiseMultiplier: 2, clipNorm: 40, delta: 1e-5 });
    if (result.ok) expect(formFromConfig(result.config)).toMatchObject({ actNoiseEnabled: true, actNoiseSigma: '2', actNoiseClip: '40' });
    expect(validateRunForm({ ...defaultRunForm(), actNoiseSigma: 'x' }).ok).toBe(true); // unticked: its numbers are not read
    const bad = validateRunForm({ ...defaultRunForm(), actNoiseEnabled: true, actNoiseSigma: '1', actNoiseClip: '0' });
    expect(!bad.ok && bad.errors.actNoiseClip).toBeTruthy();
    const fedlora = validateRunForm({ ...defaultRunForm(), method: 'fedlora', actNoiseEnabled: true });
    expect(!fedlora.ok && fedlora.errors.actNoiseEnabled).toMatch(/needs a method that sends activations/);
    expect(formFromConfig(runConfigSchema.parse({})).actNoiseEnabled).toBe(false);
  });
});
