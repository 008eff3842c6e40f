// The norm bound on a volunteer's adapter update (its adapter minus the one it started the round from), applied
// before aggregation: an update above the clip norm is scaled down to it, one above the hard limit is refused.
import { DEFAULT_ADAMW, type NamedHostTensors } from '@splitlora/core';
import { ProtocolError, type RunConfig } from '@splitlora/protocol';

/** The bounds of one run: updates are clipped to `clipNorm` and refused above `refuseNorm`. */
export interface UpdateBound {
  clipNorm: number;
  refuseNorm: number;
}

/**
 * AdamW moves one value by at most lr·(1−β1)/√(1−β2) per step (Kingma & Ba, §2.1: 3.16·lr with the default betas),
 * weight decay adds lr·wd·|θ|; twice that over a round's local steps, for every value, bounds an honest update.
 */
export function adamUpdateNorm(config: Pick<RunConfig, 'lr' | 'localSteps'>, adapterValues: number): number {
  const { beta1, beta2 } = DEFAULT_ADAMW;
  const perStep = Math.max(1, (1 - beta1) / Math.sqrt(1 - beta2)) * config.lr;
  return 2 * perStep * config.localSteps * Math.sqrt(adapterValues);
}

/** The run's bound: the configured clip norm (else AdamW's), refused above the configured limit (else 10× the clip). */
export function updateBoundFor(config: Pick<RunConfig, 'lr' | 'localSteps' | 'maxUpdateNorm' | 'updateNormLimit'>, adapterValues: number): UpdateBound {
  const clipNorm = config.maxUpdateNorm ?? adamUpdateNorm(config, adapterValues);
  return { clipNorm, refuseNorm: Math.max(config.updateNormLimit ?? 10 * clipNorm, clipNorm) };
}

/** L2 norm of `adapter − start` over every tensor (float64 sums: ±3e38 values do not overflow). */
export function updateNorm(adapter: NamedHostTensors, start: NamedHostTensors): number {
  let sum = 0;
  for (const [name, t] of Object.entries(adapter)) {
    const base = start[name]?.data;
    if (base === undefined || base.length !== t.data.length) throw new Error(`update tensor ${name} does not match the start adapter`);
    for (let i = 0; i < t.data.length; i++) {
      const d = t.data[i]! - base[i]!;
      sum += d * d;
    }
  }
  return Math.sqrt(sum);
}

/**
 * The adapter to aggregate: unchanged within the clip norm, `start + update·clip/‖update‖` above it; an update above
 * the hard limit is refused with OUT_OF_RANGE. Returns the norm found and whether it was clipped.
 */
export function boundUpdate(adapter: NamedHostTensors, start: NamedHostTensors, bound: UpdateBound): { adapter: NamedHostTensors; norm: number; clipped: boolean } {
  const norm = updateNorm(adapter, start);
  if (!(norm <= bound.refuseNorm)) {
    throw new ProtocolError('OUT_OF_RANGE', `the adapter update has norm ${norm.toPrecision(4)}, above this run's limit of ${bound.refuseNorm.toPrecision(4)}; it was not aggregated`);
  }
  if (norm <= bound.clipNorm) return { adapter, norm, clipped: false };
  const factor = bound.clipNorm / norm;
  const clipped: NamedHostTensors = {};
  for (const [name, t] of Object.entries(adapter)) {
    const base = start[name]!.data;
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) data[i] = base[i]! + (t.data[i]! - base[i]!) * factor;
    clipped[name] = { shape: t.shape, data };
  }
  return { adapter: clipped, norm, clipped: true };
}
