// The machine-readable result the dashboard and the consent screen show per cut: the fp16-wire, noise-free
// figures of every attack and adapter state, the strongest one per cut, validated against the protocol's schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { LEAKAGE_FIGURES_FORMAT, type LeakageAttackFigure, type LeakageFigures, leakageFiguresSchema } from '@splitlora/protocol';
import { round } from '../lib/stats.js';
import type { MeasuredRow } from './measured-row.js';

export interface SummaryContext {
  model: string;
  weights: 'random' | 'pretrained';
  publicText: string;
  volunteerText: string;
  loraSteps: number;
  chance: number;
  constantGuess: number;
  command: string;
}

export function leakageFigures(rows: readonly MeasuredRow[], context: SummaryContext): LeakageFigures {
  const main = rows.filter((r) => r.wire === 'float16' && r.noise === 0);
  const cuts = [...new Set(main.map((r) => r.cut))].sort((a, b) => a - b).map((cut) => {
    const attacks: LeakageAttackFigure[] = main.filter((r) => r.cut === cut).map((r) => ({
      attack: r.attack, adapter: r.adapter, lr: r.lr, exact: round(r.exact, 4), top5: round(r.top5, 4), positions: r.positions,
    }));
    const best = attacks.reduce((a, b) => (b.exact > a.exact ? b : a));
    return { cut, best, attacks };
  });
  return leakageFiguresSchema.parse({
    format: LEAKAGE_FIGURES_FORMAT, model: context.model, weights: context.weights, measuredOn: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    wireDtype: 'float16', publicText: context.publicText, volunteerText: context.volunteerText, loraSteps: context.loraSteps,
    chance: context.chance, constantGuess: round(context.constantGuess, 4), command: context.command, cuts,
  });
}

export function writeLeakageFigures(path: string, figures: LeakageFigures): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}
