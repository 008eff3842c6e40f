// The run form's FedCyBGD fields: the schema's defaults fill them, chosen values reach config.cycle and come back,
// and a bad download fraction is reported on its own field.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { defaultRunForm, formFromConfig } from './run-form-model.js';
import { validateRunForm } from './run-form-validation.js';

describe('FedCyBGD fields of the run form', () => {
  it('start at the schema defaults', () => {
    expect(formFromConfig(runConfigSchema.parse({}))).toMatchObject({
      cycleSchedule: 'rotate', cycleUploadDtype: 'float16', cycleDownloadFraction: '1', cycleDownloadPick: 'random',
    });
  });

  it('map the chosen schedule, precision and download compression onto config.cycle and back', () => {
    const form = { ...defaultRunForm(), method: 'cybgd' as const, cycleSchedule: 'random' as const, cycleUploadDtype: 'float32' as const, cycleDownloadFraction: '0.5', cycleDownloadPick: 'stalest' as const };
    const result = validateRunForm(form);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.cycle).toEqual({ schedule: 'random', uploadDtype: 'float32', downloadFraction: 0.5, downloadPick: 'stalest' });
    expect(formFromConfig(result.config)).toMatchObject({ cycleSchedule: 'random', cycleDownloadFraction: '0.5', cycleDownloadPick: 'stalest' });
  });

  it('reports a download fraction outside (0, 1] or not a number on its field', () => {
    for (const typed of ['0', '1.5', 'half', '']) {
      const result = validateRunForm({ ...defaultRunForm(), method: 'cybgd', cycleDownloadFraction: typed });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.cycleDownloadFraction).toBeDefined();
    }
  });
});
