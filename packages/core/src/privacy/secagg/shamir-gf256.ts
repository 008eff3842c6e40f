// Shamir t-of-n secret sharing byte by byte over GF(2^8) (AES polynomial x^8+x^4+x^3+x+1): any t shares rebuild a
// secret, fewer reveal nothing about it. Share i is the polynomial at x = i (1..255), so a round has ≤ 255 parties.
import { CoreError } from '../../errors.js';
import type { RandomBytes } from '../web-crypto.js';

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0); // × 3 = × (x + 1)
    x &= 0xff;
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(256)');
  return a === 0 ? 0 : EXP[LOG[a]! + 255 - LOG[b]!]!;
}

export interface Share {
  /** The evaluation point, 1..255. */
  x: number;
  y: Uint8Array;
}

function checkPoints(xs: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of xs) {
    if (!Number.isInteger(x) || x < 1 || x > 255) throw new CoreError('privacy', `Shamir share points must be integers in 1..255, found ${x}`);
    if (seen.has(x)) throw new CoreError('privacy', `Shamir share point ${x} appears twice`);
    seen.add(x);
  }
}

/** Splits `secret` into one share per point of `xs`; any `threshold` of them rebuild it. */
export function splitSecret(secret: Uint8Array, xs: readonly number[], threshold: number, random: RandomBytes): Share[] {
  checkPoints(xs);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) throw new CoreError('privacy', `Shamir threshold must be in 1..${xs.length}, found ${threshold}`);
  const coefficients = random((threshold - 1) * secret.length); // coefficient k of byte b at [(k − 1)·len + b]
  return xs.map((x) => {
    const y = new Uint8Array(secret.length);
    for (let b = 0; b < secret.length; b++) {
      let acc = 0; // Horner from the highest coefficient down to the secret
      for (let k = threshold - 1; k >= 1; k--) acc = gfMul(acc, x) ^ coefficients[(k - 1) * secret.length + b]!;
      y[b] = gfMul(acc, x) ^ secret[b]!;
    }
    return { x, y };
  });
}

/** Lagrange basis weights of `xs` evaluated at `at`: value(at) = Σ weight_i · y_i. */
function lagrangeWeights(xs: readonly number[], at: number): number[] {
  return xs.map((xi, i) => {
    let num = 1;
    let den = 1;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = gfMul(num, at ^ xj);
      den = gfMul(den, xi ^ xj);
    });
    return gfDiv(num, den);
  });
}

function interpolate(shares: readonly Share[], weights: readonly number[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  shares.forEach((share, i) => {
    const w = weights[i]!;
    for (let b = 0; b < length; b++) out[b]! ^= gfMul(w, share.y[b]!);
  });
  return out;
}

/**
 * Rebuilds the secret from at least `threshold` shares. The first `threshold` shares define the polynomial; every
 * further share must lie on it, else the shares are inconsistent (a corrupted or forged share) and this throws.
 */
export function combineShares(shares: readonly Share[], threshold: number): Uint8Array {
  if (shares.length < threshold) throw new CoreError('privacy', `rebuilding a secret needs ${threshold} shares, found ${shares.length}`);
  checkPoints(shares.map((s) => s.x));
  const length = shares[0]!.y.length;
  if (shares.some((s) => s.y.length !== length)) throw new CoreError('privacy', 'Shamir shares of one secret must have the same length');
  const basis = shares.slice(0, threshold);
  const xs = basis.map((s) => s.x);
  for (const extra of shares.slice(threshold)) {
    const expected = interpolate(basis, lagrangeWeights(xs, extra.x), length);
    if (expected.some((v, b) => v !== extra.y[b])) throw new CoreError('privacy', `Shamir share at point ${extra.x} is inconsistent with the others`);
  }
  return interpolate(basis, lagrangeWeights(xs, 0), length);
}
