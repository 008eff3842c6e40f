// Measured token leakage per cut, as `pnpm bench leak-attack` writes it (docs/leakage/<model>.json): how much of a
// volunteer's text an honest-but-curious server recovered from the cut activations alone. The dashboard and the
// consent screen read a run's figure with recoveryAtCut(); a cut that was not measured has no figure.
import { z } from 'zod';

export const LEAKAGE_FIGURES_FORMAT = 'splitlora-leakage-1';

const rate = z.number().min(0).max(1);

export const leakageAttackFigureSchema = z.strictObject({
  /** e.g. "nearest", "greedy", "inversion" (the benchmark's names). */
  attack: z.string().min(1),
  /** The client adapter when attacked: the initial one (B = 0, the base model) or after `loraSteps` of training. */
  adapter: z.enum(['initial', 'trained']),
  /** The volunteer's learning rate for a trained adapter; null for the initial one. */
  lr: z.number().positive().nullable(),
  /** Share of the volunteer's token positions recovered exactly, and within the attack's 5 best guesses. */
  exact: rate,
  top5: rate,
  positions: z.number().int().positive(),
});

export const leakageCutSchema = z.strictObject({
  cut: z.number().int().min(1),
  /** The strongest attack at this cut (highest exact rate over attacks and adapters). */
  best: leakageAttackFigureSchema,
  attacks: z.array(leakageAttackFigureSchema).min(1),
});

export const leakageFiguresSchema = z.strictObject({
  format: z.literal(LEAKAGE_FIGURES_FORMAT),
  model: z.string().min(1),
  weights: z.enum(['random', 'pretrained']),
  /** Date of the measurement (YYYY-MM-DD) and a one-line description of the machine. */
  measuredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  machine: z.string(),
  wireDtype: z.enum(['float16', 'float32']),
  /** What the attacker trained on, and what the volunteer's text was. */
  publicText: z.string(),
  volunteerText: z.string(),
  loraSteps: z.number().int().min(0),
  /** Chance level (1 / vocabulary size) and the best constant guess from the public text, for scale. */
  chance: rate,
  constantGuess: rate,
  command: z.string(),
  cuts: z.array(leakageCutSchema).min(1),
});

export type LeakageFigures = z.infer<typeof leakageFiguresSchema>;
export type LeakageAttackFigure = z.infer<typeof leakageAttackFigureSchema>;

/** The strongest measured attack at `cut`, or null when this cut was not measured. */
export function recoveryAtCut(figures: LeakageFigures, cut: number): LeakageAttackFigure | null {
  return figures.cuts.find((c) => c.cut === cut)?.best ?? null;
}
