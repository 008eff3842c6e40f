// The ε budget: 'stop' ends before ε passes the target (after exactly the rounds that fit), 'warn' runs on and says
// so; the rounds that fit agree with the accountant; bad settings are named.
import { describe, expect, it } from 'vitest';
import { PrivacyBudget, roundsWithinBudget } from './privacy-budget.js';
import { RdpAccountant } from './rdp-accountant.js';

const round = { sampleRate: 1, noiseMultiplier: 1.2, steps: 1 };

describe('privacy budget', () => {
  it("'stop' runs exactly the rounds that fit and stops before ε passes the target", () => {
    const budget = new PrivacyBudget({ targetEpsilon: 8, delta: 1e-5, onSpent: 'stop' });
    const accountant = new RdpAccountant();
    let rounds = 0;
    for (;;) {
      const decision = budget.beforeRound(accountant, round);
      if (decision.action === 'stop') {
        expect(decision.message).toMatch(/past the target 8 .*the run stops/);
        expect(decision.epsilonAfter).toBeGreaterThan(8);
        break;
      }
      expect(decision.action).toBe('run');
      accountant.record(round);
      rounds++;
    }
    expect(accountant.epsilon(1e-5).epsilon).toBeLessThanOrEqual(8);
    expect(rounds).toBe(roundsWithinBudget(round, 8, 1e-5));
    expect(rounds).toBeGreaterThan(1);
    const status = budget.status(accountant);
    expect(status.spentFraction).toBeGreaterThan(0.8);
    expect(status.spentFraction).toBeLessThanOrEqual(1);
  });

  it("'warn' runs the round that passes the target and says so", () => {
    const budget = new PrivacyBudget({ targetEpsilon: 1, delta: 1e-5, onSpent: 'warn' });
    const decision = budget.beforeRound(new RdpAccountant(), round);
    expect(decision.action).toBe('warn');
    if (decision.action === 'warn') expect(decision.message).toMatch(/running it anyway/);
    const accountant = new RdpAccountant().record(round);
    expect(budget.status(accountant).exhausted).toBe(true);
  });

  it('rounds that fit: none when one round is too much, the cap when noise is huge, and counts what was spent', () => {
    expect(roundsWithinBudget(round, 0.01, 1e-5)).toBe(0);
    expect(roundsWithinBudget({ sampleRate: 0.001, noiseMultiplier: 50 }, 10, 1e-5, new RdpAccountant(), 5000)).toBe(5000);
    const fresh = roundsWithinBudget(round, 8, 1e-5);
    expect(roundsWithinBudget(round, 8, 1e-5, new RdpAccountant().record({ ...round, steps: 3 }))).toBe(fresh - 3);
    expect(() => new PrivacyBudget({ targetEpsilon: -1, delta: 1e-5, onSpent: 'stop' })).toThrow(/target epsilon must be finite and > 0, found -1/);
    expect(() => new PrivacyBudget({ targetEpsilon: 1, delta: 1e-5, onSpent: 'pause' as 'stop' })).toThrow(/onSpent must be "stop" or "warn"/);
  });
});
