// The run config's activation noise: off by default, bounded with clear messages, refused by the methods that send
// no activations (and by cybgd-split, whose trainer does not apply it), and honest about labels in each layout.
import { describe, expect, it } from 'vitest';
import { activationNoiseSummary } from './activation-noise-rules.js';
import { describeIssues, runConfigSchema } from './run-config.js';

const noise = { noiseMultiplier: 1, clipNorm: 50 };
const issues = (input: unknown) => {
  const parsed = runConfigSchema.safeParse(input);
  if (parsed.success) throw new Error('expected the config to be refused');
  return describeIssues(parsed.error);
};

describe('run config: activation noise', () => {
  it('is off by default and takes σ, C and a default δ for splitlora and sl, in both layouts', () => {
    expect(runConfigSchema.parse({}).activationNoise).toBeNull();
    expect(runConfigSchema.parse({ activationNoise: noise }).activationNoise).toEqual({ ...noise, delta: 1e-5 });
    expect(runConfigSchema.parse({ activationNoise: noise, layout: 'u-shaped' }).activationNoise?.clipNorm).toBe(50);
    expect(runConfigSchema.safeParse({ method: 'sl', activationNoise: noise, minClients: 1, maxClients: 4 }).success).toBe(true);
  });

  it('refuses bad values and unknown keys, naming them', () => {
    expect(issues({ activationNoise: { noiseMultiplier: -1, clipNorm: 1 } })).toBe('activationNoise.noiseMultiplier: activation noise multiplier must be >= 0');
    expect(issues({ activationNoise: { noiseMultiplier: 1, clipNorm: 0 } })).toBe('activationNoise.clipNorm: activation clip norm must be > 0');
    expect(issues({ activationNoise: { noiseMultiplier: 1 } })).toMatch(/^activationNoise\.clipNorm: activationNoise\.clipNorm must be a number/);
    expect(issues({ activationNoise: { ...noise, sigma: 2 } })).toMatch(/activationNoise: .*sigma/);
  });

  it('is refused by the methods that send no activations, and by cybgd-split', () => {
    expect(issues({ method: 'fedlora', activationNoise: noise })).toBe('activationNoise: activation noise needs a method that sends activations (splitlora or sl); fedlora trains the whole model in the tab and sends none');
    expect(issues({ method: 'cybgd', activationNoise: noise })).toContain('cybgd trains the whole model in the tab and sends none');
    expect(issues({ method: 'cybgd-split', activationNoise: noise })).toContain('not available with method cybgd-split');
    expect(runConfigSchema.safeParse({ method: 'fedlora', activationNoise: null }).success).toBe(true);
  });

  it('tells the volunteer what the noise does not cover in each layout', () => {
    const settings = { ...noise, delta: 1e-5 };
    expect(activationNoiseSummary(settings, 'standard')).toContain('labels — your text, shifted by one token — travel in the clear');
    expect(activationNoiseSummary(settings, 'u-shaped')).toContain('gradients of the server\'s output you send back are not noised');
  });
});
