// The measured-leakage file: what the benchmark writes parses, bad rates and unknown keys are refused, and a run's
// cut finds its figure (or none).
import { describe, expect, it } from 'vitest';
import { LEAKAGE_FIGURES_FORMAT, type LeakageFigures, leakageFiguresSchema, recoveryAtCut } from './leakage-figures.js';

const figure = { attack: 'greedy', adapter: 'initial' as const, lr: null, exact: 0.9, top5: 0.95, positions: 300 };
const figures: LeakageFigures = {
  format: LEAKAGE_FIGURES_FORMAT, model: 'tiny', weights: 'random', measuredOn: '2026-11-29', machine: '2 × Xeon', wireDtype: 'float16',
  publicText: 'shakespeare', volunteerText: 'E2E test', loraSteps: 50, chance: 1 / 50257, constantGuess: 0.01, command: 'pnpm bench leak-attack',
  cuts: [{ cut: 2, best: figure, attacks: [figure, { ...figure, attack: 'nearest', adapter: 'trained', lr: 2e-4, exact: 0.5 }] }],
};

describe('leakageFiguresSchema', () => {
  it('accepts the benchmark\'s figures and finds the figure of a measured cut', () => {
    const parsed = leakageFiguresSchema.parse(JSON.parse(JSON.stringify(figures)));
    expect(recoveryAtCut(parsed, 2)).toEqual(figure);
    expect(recoveryAtCut(parsed, 3)).toBeNull();
  });

  it('refuses rates outside [0, 1], unknown keys and another format', () => {
    const broken = { ...figures, cuts: [{ ...figures.cuts[0]!, best: { ...figure, exact: 1.2 } }] };
    expect(leakageFiguresSchema.safeParse(broken).success).toBe(false);
    expect(leakageFiguresSchema.safeParse({ ...figures, extra: 1 }).success).toBe(false);
    expect(leakageFiguresSchema.safeParse({ ...figures, format: 'other' }).success).toBe(false);
  });
});
