// Rényi DP of the sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019, "Rényi Differential Privacy of the
// Sampled Gaussian Mechanism", §3.3: the integer- and fractional-order formulas) and its conversion to (ε, δ)-DP
// (Balle et al. 2020, Theorem 21) — the same computation as Opacus's RDPAccountant and `get_privacy_spent`.
import { fail } from '../../errors.js';
import { BinomialWalk, logAdd, logErfc, logSub } from './log-math.js';

/** One mechanism applied `steps` times: Gaussian noise of std noiseMultiplier × sensitivity on a sample of rate q. */
export interface SampledGaussian {
  /** Probability that a given record (here: a volunteer) takes part in one step, in [0, 1]; 1 = everyone, always. */
  sampleRate: number;
  /** Noise std divided by the L2 sensitivity (the clip norm). */
  noiseMultiplier: number;
  steps: number;
}

/** Opacus's RDPAccountant.DEFAULT_ALPHAS: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

export function validateSampledGaussian(m: SampledGaussian): SampledGaussian {
  if (!(m.sampleRate >= 0 && m.sampleRate <= 1)) fail('config', `DP sample rate must be in [0, 1], found ${m.sampleRate}`);
  if (!(m.noiseMultiplier >= 0) || !Number.isFinite(m.noiseMultiplier)) fail('config', `DP noise multiplier must be finite and >= 0, found ${m.noiseMultiplier}`);
  if (!Number.isInteger(m.steps) || m.steps < 0) fail('config', `DP steps must be an integer >= 0, found ${m.steps}`);
  return m;
}

export function validateDelta(delta: number): number {
  if (!(delta > 0 && delta < 1)) fail('config', `DP delta must be in (0, 1), found ${delta}`);
  return delta;
}

/** log(A_α) for an integer order: Σ_i C(α, i) q^i (1−q)^(α−i) exp((i² − i) / (2σ²)). */
function logAInteger(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  const binomial = new BinomialWalk(alpha);
  for (let i = 0; i <= alpha; i++, binomial.next()) {
    const logCoef = binomial.logAbs + i * Math.log(q) + (alpha - i) * Math.log(1 - q);
    logA = logAdd(logA, logCoef + (i * i - i) / (2 * sigma * sigma));
  }
  return logA;
}

/** log(A_α) for a fractional order: the two integrals split at z0, summed until their terms drop below e^−30. */
function logAFractional(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const root2Sigma = Math.SQRT2 * sigma;
  const binomial = new BinomialWalk(alpha);
  for (let i = 0; ; i++, binomial.next()) {
    const { logAbs: logCoef, sign } = binomial;
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log(1 - q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log(1 - q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / root2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / root2Sigma);
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/** RDP of one application of the sampled Gaussian mechanism at order α (may be Infinity). */
export function sampledGaussianRdp(sampleRate: number, noiseMultiplier: number, order: number): number {
  if (!(order > 1)) fail('config', `RDP order must be > 1, found ${order}`);
  if (sampleRate === 0) return 0;
  if (noiseMultiplier === 0) return Infinity;
  if (sampleRate === 1) return order / (2 * noiseMultiplier * noiseMultiplier);
  if (order === Infinity) return Infinity;
  const logA = Number.isInteger(order) ? logAInteger(sampleRate, noiseMultiplier, order) : logAFractional(sampleRate, noiseMultiplier, order);
  return logA / (order - 1);
}

/** RDP at each order of `steps` applications (composition adds RDP). */
export function computeRdp(mechanism: SampledGaussian, orders: readonly number[] = DEFAULT_RDP_ORDERS): number[] {
  const { sampleRate, noiseMultiplier, steps } = validateSampledGaussian(mechanism);
  if (steps === 0) return orders.map(() => 0);
  return rdpPerStep(sampleRate, noiseMultiplier, orders).map((v) => steps * v);
}

/** One step's RDP curve, remembered for the default orders (a run asks for the same (q, σ) every round). */
const perStepMemo = new Map<string, readonly number[]>();

function rdpPerStep(sampleRate: number, noiseMultiplier: number, orders: readonly number[]): readonly number[] {
  if (orders !== DEFAULT_RDP_ORDERS) return orders.map((order) => sampledGaussianRdp(sampleRate, noiseMultiplier, order));
  const key = `${sampleRate}|${noiseMultiplier}`;
  let curve = perStepMemo.get(key);
  if (curve === undefined) {
    curve = Object.freeze(orders.map((order) => sampledGaussianRdp(sampleRate, noiseMultiplier, order)));
    if (perStepMemo.size >= 256) perStepMemo.delete(perStepMemo.keys().next().value!);
    perStepMemo.set(key, curve);
  }
  return curve;
}

export interface EpsilonAtDelta {
  epsilon: number;
  /** The order that gave the tightest ε (NaN when no order gives a finite one). */
  order: number;
}

/**
 * (ε, δ) from RDP curves, Balle et al. 2020 Thm 21 as Opacus's `get_privacy_spent` does it:
 * ε = min_α [ rdp(α) − (log δ + log α)/(α − 1) + log((α − 1)/α) ].
 */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number): EpsilonAtDelta {
  validateDelta(delta);
  if (orders.length !== rdp.length || orders.length === 0) fail('config', `RDP orders and values must be non-empty lists of the same length, found ${orders.length} and ${rdp.length}`);
  let best: EpsilonAtDelta = { epsilon: Infinity, order: Number.NaN };
  orders.forEach((alpha, i) => {
    const eps = rdp[i]! - (Math.log(delta) + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
    if (!Number.isNaN(eps) && (eps < best.epsilon || Number.isNaN(best.order))) best = { epsilon: eps, order: alpha };
  });
  return best;
}
