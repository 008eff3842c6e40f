// Sequential SL's strategy: each turn starts from the previous turn's upload, a skipped turn hands nothing on, and
// the round's adapter is the last upload (no averaging); strategyFor picks it for method sl.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import type { FitRound } from './aggregation-strategy.js';
import { SequentialStrategy } from './sequential-strategy.js';
import { strategyFor } from './strategy-for.js';

const tensor = (...values: number[]) => ({ 'x.lora_A.weight': { shape: [values.length], data: Float32Array.from(values) } });
const global = tensor(0, 0);
const round: FitRound = { round: 1, participants: ['a', 'b', 'c'], global };

describe('SequentialStrategy', () => {
  it('hands each accepted upload on to the next turn and keeps what each turn started from', () => {
    const s = new SequentialStrategy();
    const fit = s.configureFit(round);
    expect(fit.startFor('a')).toBe(global);
    const fromA = tensor(1, 2);
    s.handOn('a', fromA);
    expect(fit.startFor('b')).toBe(fromA);
    expect(fit.startFor('a')).toBe(global); // a's update is still measured against where it started
    const fromB = tensor(3, 4);
    s.handOn('b', fromB);
    expect(fit.startFor('c')).toBe(fromB);
    expect(fit.startFor('b')).toBe(fromA);
  });

  it('passes over a skipped turn: the next starts from the adapter the skipped one started from', () => {
    const s = new SequentialStrategy();
    const fit = s.configureFit(round);
    const fromA = tensor(1, 2);
    s.handOn('a', fromA);
    // b left during its turn without uploading; c starts where b started.
    expect(fit.startFor('c')).toBe(fromA);
    const fromC = tensor(5, 6);
    s.handOn('c', fromC);
    const result = s.aggregateFit(round, [{ source: 'a', adapter: fromA, weight: 10 }, { source: 'c', adapter: fromC, weight: 1 }]);
    expect(result.global).toBe(fromC); // the last turn's adapter, not a weighted mean
  });

  it('keeps the global adapter when no turn uploaded, and refuses an upload handed on twice or a last turn not among the reporters', () => {
    const s = new SequentialStrategy();
    s.configureFit(round);
    expect(s.aggregateFit(round, []).global).toBe(global);
    const fromA = tensor(1, 2);
    s.handOn('a', fromA);
    expect(() => s.handOn('a', tensor(9, 9))).toThrow('a already handed on its adapter this round');
    expect(() => s.aggregateFit(round, [{ source: 'b', adapter: tensor(1, 1), weight: 1 }])).toThrow('the last adapter handed on (a) is not among the reporters b');
  });

  it('starts every round afresh from the global adapter', () => {
    const s = new SequentialStrategy();
    s.configureFit(round);
    s.handOn('a', tensor(1, 2));
    const next = tensor(7, 7);
    const fit = s.configureFit({ round: 2, participants: ['a'], global: next });
    expect(fit.startFor('a')).toBe(next);
  });

  it('is the strategy of method sl', () => {
    expect(strategyFor(runConfigSchema.parse({ method: 'sl' })).name).toBe('sequential');
  });
});
