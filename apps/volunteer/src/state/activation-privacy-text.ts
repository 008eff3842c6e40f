// The training screen's "Activation noise" tile: this tab's own per-example ε after its latest round (from how many
// times it sent each training window), or what the run states before the first round ends.
import type { ActivationNoiseFigures } from '@splitlora/protocol';
import type { TrainingState } from './training-state.js';

/** The tile's value and hint; null when the run adds no noise to the activations. */
export function activationPrivacyText(state: Pick<TrainingState, 'activationPrivacy'>, planned: ActivationNoiseFigures | null | undefined): { value: string; hint: string } | null {
  const mine = state.activationPrivacy;
  if (mine !== null) {
    const times = mine.releasesPerExample === 1 ? 'once' : `${mine.releasesPerExample} times`;
    return {
      value: mine.epsilon === null ? 'clipped only' : `ε = ${mine.epsilon.toFixed(2)}`,
      hint: `${mine.epsilon === null ? 'no guarantee (σ = 0); ' : `δ = ${mine.delta}; `}each of your windows sent at most ${times} (after round ${mine.round})`,
    };
  }
  if (planned === null || planned === undefined) return null;
  return {
    value: planned.epsilonOneRelease === null ? 'clipped only' : `ε = ${planned.epsilonOneRelease.toFixed(2)}`,
    hint: planned.epsilonOneRelease === null ? 'no guarantee (σ = 0)' : `per window sent once (δ = ${planned.delta}); yours is counted after each round`,
  };
}
