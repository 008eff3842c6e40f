// The secure-aggregation settings of one round of a run (docs/PRIVACY.md): context, threshold, vector length, the
// clamp range of the fixed-point encoding and, with DP, the clip norm volunteers apply to their own update.
import type { RunConfig, SecAggRoundConfig } from '@splitlora/protocol';
import { defaultThreshold } from '../privacy/secagg/secagg-config.js';

/**
 * Clamp range of an update element without DP. A round's LoRA update is far smaller (lr ≤ 1e-2 and AdamW steps of
 * about lr per element: ±0.01 × local steps); elements beyond it are clamped, counted and reported by the volunteer.
 */
export const SECAGG_PLAIN_RANGE = 1;

/** `attempt` tells a restarted round (same number) from the first: its keys and masks must be fresh. */
export function secureAggregationSettings(config: RunConfig, runId: string, round: number, participants: number, vectorLength: number, attempt = 1): SecAggRoundConfig {
  const maxClients = Math.max(2, participants);
  const clipNorm = config.dp?.clipNorm ?? null;
  return {
    context: `${runId}/round-${round}/attempt-${attempt}`, threshold: defaultThreshold(maxClients), vectorLength,
    // A clipped update has every element ≤ its norm ≤ C, so range = C clamps nothing.
    range: clipNorm ?? SECAGG_PLAIN_RANGE, maxClients, clipNorm,
  };
}
