// The run card's leakage line names the layout's exposure and the measured figure at the run's cut, or says none exists.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { leakageLine } from './leakage-line.js';
import { fakeRun } from './test-fixtures.js';

describe('leakageLine', () => {
  it('states the measured recovery at the cut and what the layout sends', () => {
    const run = { ...fakeRun(), config: runConfigSchema.parse({ model: 'tiny', cut: 2, layout: 'u-shaped' }) };
    const leakage = { model: 'tiny', weights: 'random' as const, measuredOn: '2026-11-29', cut: 2, attack: 'inversion', adapter: 'trained' as const, exact: 0.25, top5: 0.5 };
    const line = leakageLine({ ...run, leakage });
    expect(line).toContain('U-shaped: targets, masks and losses stay in the tabs');
    expect(line).toContain('recovered 25% of the tokens exactly (50% within 5 guesses) from the activations at cut 2');
    expect(leakageLine({ ...run, config: { ...run.config, layout: 'standard' }, leakage: null })).toMatch(/receives every step’s token ids.*not been measured/);
  });
});
