// SplitLoRA SFL-V2 with client-level DP-FedAvg (docs/PRIVACY.md): the same training as `sfl-v2`, aggregated by the
// DpFedAvgStrategy a run with `dp` gets (clip C, Gaussian noise σC on the sum, fixed denominator = clients), seeded
// noise so the benchmark repeats; its name and notes carry ε after the last round at δ = 1e-5.
import { DpFedAvgStrategy, GaussianNoise } from '@splitlora/core';
import type { Curve } from '../curve.js';
import type { World } from '../setup.js';
import { splitFed } from './splitfed.js';

export async function dpSplitFed(world: World, noiseMultiplier: number, clipNorm: number): Promise<Curve> {
  const strategy = new DpFedAvgStrategy(
    { noiseMultiplier, clipNorm, delta: 1e-5, epsilonBudget: null, onBudgetSpent: 'warn' },
    { expectedParticipants: world.settings.clients, noise: GaussianNoise.fromSeed(world.settings.seed) },
  );
  const curve = await splitFed({ ...world, strategy }, 'v2');
  const epsilon = strategy.epsilon();
  return {
    ...curve, method: `SFL-V2 + DP σ=${noiseMultiplier} (ε ${epsilon === null ? '∞' : epsilon.toFixed(1)})`,
    notes: `${epsilon === null ? '∞ (σ = 0, clipping only)' : epsilon.toFixed(2)} at δ = 1e-5 after ${world.settings.rounds} rounds (C = ${clipNorm})`,
  };
}
