// Fixed-point encoding of float updates into Z_2^32 for secure aggregation: each element is clamped to
// [−range, range] and rounded to a multiple of 1/scale, with the scale chosen so the sum of up to maxClients
// encoded vectors cannot wrap around (|sum| < 2^31). Each element of a decoded sum of k vectors is within
// k / (2·scale) of the true sum of the clamped values.
import { fail } from '../../errors.js';

export interface Quantization {
  range: number;
  maxClients: number;
  /** Integer level of `range`: the largest |encoded value| one volunteer can send. */
  maxLevel: number;
  /** Encoded integer = round(value × scale). */
  scale: number;
}

export function quantization(range: number, maxClients: number): Quantization {
  if (!(range > 0) || !Number.isFinite(range)) fail('config', `secure aggregation range must be finite and > 0, found ${range}`);
  if (!Number.isInteger(maxClients) || maxClients < 1) fail('config', `secure aggregation maxClients must be an integer >= 1, found ${maxClients}`);
  const maxLevel = Math.floor((2 ** 31 - 1) / maxClients);
  return { range, maxClients, maxLevel, scale: maxLevel / range };
}

/** Encodes `vector`; `clamped` counts elements outside [−range, range] (clamped: with DP clipping to range, none). */
export function quantize(vector: ArrayLike<number>, q: Quantization): { values: Uint32Array; clamped: number } {
  const values = new Uint32Array(vector.length);
  let clamped = 0;
  for (let i = 0; i < vector.length; i++) {
    let v = vector[i]!;
    if (Number.isNaN(v)) fail('adapter', `secure aggregation input element ${i} is NaN`);
    if (v > q.range || v < -q.range) {
      clamped++;
      v = v > 0 ? q.range : -q.range;
    }
    values[i] = Math.max(-q.maxLevel, Math.min(q.maxLevel, Math.round(v * q.scale))) >>> 0; // two's complement in Z_2^32
  }
  return { values, clamped };
}

/** Decodes a sum of encoded vectors (read as signed 32-bit) back to floats. */
export function dequantizeSum(sum: Uint32Array, q: Quantization): Float64Array {
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i]! | 0) / q.scale;
  return out;
}

/** Largest error of one decoded element of a sum of `clients` vectors (rounding only; clamping is counted apart). */
export function sumErrorBound(q: Quantization, clients: number): number {
  return clients / (2 * q.scale);
}
