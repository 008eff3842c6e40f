// What happens to activations between the volunteer's forward and the server's decoder: optional Gaussian noise
// added by the volunteer (σ as a fraction of the activations' RMS), then the protocol's own float frame encoding
// (fp16 with a power-of-two scale, or fp32) and decoding, so the attacker sees exactly what travels.
import { createRng, normalSamples } from '@splitlora/core';
import { decodeFloatFrame, encodeFloatFrame } from '@splitlora/protocol';

export type WireDtype = 'float16' | 'float32';

/** The values as the server decodes them after the volunteer encoded them with `dtype`. */
export function throughWire(values: Float32Array, shape: number[], dtype: WireDtype): Float32Array {
  return decodeFloatFrame(encodeFloatFrame('activations', shape, values, dtype));
}

/** Root mean square of the values at the listed rows of width `width` (the real token positions). */
export function rowsRms(values: Float32Array, rows: ArrayLike<number>, width: number): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * width;
    for (let e = 0; e < width; e++) sum += values[base + e]! ** 2;
  }
  return Math.sqrt(sum / Math.max(1, rows.length * width));
}

/**
 * A copy of the values with N(0, (σ·rms)²) added to every element, rms measured over the real positions.
 * This is the benchmark's own noise model (issue 16 will give the client a calibrated DP mechanism; measure that
 * one here once it exists).
 */
export function withActivationNoise(values: Float32Array, sigma: number, rms: number, seed: number): Float32Array {
  if (sigma === 0) return values;
  const noise = normalSamples(createRng(seed), values.length, sigma * rms);
  return values.map((v, i) => v + noise[i]!);
}
