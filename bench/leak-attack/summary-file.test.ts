// The per-cut figures file: built from the fp16, noise-free rows with the strongest attack per cut, and every
// committed docs/leakage/*.json still parses against the protocol's schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leakageFiguresSchema, recoveryAtCut } from '@splitlora/protocol';
import { REPO_ROOT } from '../lib/python.js';
import type { MeasuredRow } from './measured-row.js';
import { leakageFigures } from './summary-file.js';

const row = (over: Partial<MeasuredRow>): MeasuredRow => ({
  cut: 1, adapter: 'initial', lr: null, wire: 'float16', noise: 0, attack: 'nearest', positions: 100, exact: 0.5, top5: 0.6, searchedRecall: null, seconds: 1, ...over,
});
const context = { model: 'tiny', weights: 'random' as const, publicText: 'p', volunteerText: 'v', loraSteps: 5, chance: 1 / 50257, constantGuess: 0, command: 'pnpm bench leak-attack' };

describe('leakageFigures', () => {
  it('keeps the fp16 noise-free rows and names the strongest attack of each cut', () => {
    const figures = leakageFigures([
      row({}), row({ attack: 'greedy', exact: 0.9, top5: 0.95 }), row({ wire: 'float32', exact: 0.99 }), row({ noise: 0.1, attack: 'inversion', exact: 0.97 }),
      row({ cut: 2, adapter: 'trained', lr: 2e-4, exact: 0.3 }), row({ cut: 2, exact: 0.4 }),
    ], context);
    expect(figures.cuts.map((c) => c.cut)).toEqual([1, 2]);
    expect(figures.cuts[0]!.attacks).toHaveLength(2);
    expect(recoveryAtCut(figures, 1)).toMatchObject({ attack: 'greedy', exact: 0.9 });
    expect(recoveryAtCut(figures, 2)).toMatchObject({ attack: 'nearest', adapter: 'initial', exact: 0.4 });
  });
});

describe('committed docs/leakage figures', () => {
  const dir = join(REPO_ROOT, 'docs/leakage');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('exist and parse against the protocol schema, the best figure of each cut being its highest exact rate', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const figures = leakageFiguresSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      for (const cut of figures.cuts) expect(cut.best.exact).toBe(Math.max(...cut.attacks.map((a) => a.exact)));
    }
  });
});
