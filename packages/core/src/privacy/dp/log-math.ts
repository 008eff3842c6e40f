// Log-space arithmetic for the RDP accountant: adding and subtracting numbers held as logarithms, log|binomial| for
// real orders, and log(erfc(x)) that stays accurate where erfc(x) itself underflows.

/** log(e^a + e^b) without overflow. */
export function logAdd(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo === -Infinity) return hi;
  return Math.log1p(Math.exp(lo - hi)) + hi;
}

/** log(e^a − e^b) for a ≥ b; −Infinity when they are equal. */
export function logSub(a: number, b: number): number {
  if (a < b) throw new RangeError(`log-space subtraction needs the first term to be the larger, found ${a} < ${b}`);
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const diff = Math.expm1(a - b);
  return Number.isFinite(diff) ? Math.log(diff) + b : a; // e^(a−b) overflows: e^a − e^b ≈ e^a
}

/** log|C(alpha, i)| and its sign for a real alpha and i = 0, 1, 2, … in turn (C(α, i) = C(α, i−1)·(α − i + 1)/i). */
export class BinomialWalk {
  i = 0;
  logAbs = 0;
  sign: 1 | -1 | 0 = 1;

  constructor(private readonly alpha: number) {}

  /** Moves to i + 1. */
  next(): void {
    this.i += 1;
    const factor = this.alpha - this.i + 1;
    if (factor === 0) this.sign = 0;
    if (this.sign === 0) {
      this.logAbs = -Infinity;
      return;
    }
    if (factor < 0) this.sign = this.sign === 1 ? -1 : 1;
    this.logAbs += Math.log(Math.abs(factor)) - Math.log(this.i);
  }
}

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) for |x| < 2: (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)), a series of positive terms (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * For x ≥ 2: K(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))), so that erfc(x) = e^(−x²) / (√π · K(x)) (Laplace's
 * continued fraction), evaluated with the modified Lentz method.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** log(erfc(x)), accurate for large x where erfc(x) underflows (the accountant's fractional orders need it). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Infinity) return -Infinity;
  if (x === -Infinity) return Math.LN2;
  if (x >= 2) return -x * x - LOG_SQRT_PI - Math.log(erfcContinuedFraction(x));
  if (x > -2) return Math.log(1 - erfSeries(x));
  return Math.log(2 - Math.exp(logErfc(-x)));
}
