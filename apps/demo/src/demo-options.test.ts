// `pnpm demo`'s --activation-noise SIGMA[:CLIP] flag: parsed into the run's activationNoise, refused with the flag's
// name when malformed, and refused by a method that sends no activations.
import { describe, expect, it } from 'vitest';
import { activationNoiseOption, parseDemoOptions } from './demo-options.js';

describe('demo --activation-noise', () => {
  it('takes SIGMA or SIGMA:CLIP (clip norm 1 by default); absent: off', () => {
    expect(parseDemoOptions(['--activation-noise', '1.5:20'])!.run.activationNoise).toEqual({ noiseMultiplier: 1.5, clipNorm: 20, delta: 1e-5 });
    expect(parseDemoOptions(['--', '--activation-noise', '2'])!.run.activationNoise).toEqual({ noiseMultiplier: 2, clipNorm: 1, delta: 1e-5 });
    expect(parseDemoOptions([])!.run.activationNoise).toBeNull();
  });

  it('refuses malformed values and methods without activations, naming them', () => {
    expect(() => activationNoiseOption('a:1')).toThrow('--activation-noise must be SIGMA or SIGMA:CLIP (numbers), found "a:1"');
    expect(() => activationNoiseOption('1:2:3')).toThrow(/found "1:2:3"/);
    expect(() => parseDemoOptions(['--activation-noise', '1:0'])).toThrow('activationNoise.clipNorm: activation clip norm must be > 0');
    expect(() => parseDemoOptions(['--method', 'fedlora', '--activation-noise', '1'])).toThrow(/activationNoise: activation noise needs a method that sends activations/);
  });
});
