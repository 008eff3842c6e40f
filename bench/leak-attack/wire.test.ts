// The attacker's view of the wire: fp16 frames round values as the protocol does, fp32 frames are exact, and the
// noise has the standard deviation it claims.
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16 } from '@splitlora/protocol';
import { rowsRms, throughWire, withActivationNoise } from './wire.js';

describe('throughWire', () => {
  const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.03);

  it('keeps fp32 exactly and rounds fp16 to half precision (after the frame\'s power-of-two scale)', () => {
    expect(Array.from(throughWire(values, [1, 4, 16], 'float32'))).toEqual(Array.from(values));
    const half = throughWire(values, [1, 4, 16], 'float16');
    const scale = 2 ** 19; // brings max |v| ≈ 0.03 near 2^14
    expect(Array.from(half)).toEqual(Array.from(decodeFloat16(encodeFloat16(values.map((v) => v * scale)))).map((v) => v / scale));
    const worst = Math.max(...Array.from(values, (v, i) => Math.abs(v - half[i]!)));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.03 * 2 ** -10);
  });
});

describe('withActivationNoise', () => {
  it('adds zero-mean noise of σ times the RMS, reproducibly, and nothing at σ = 0', () => {
    const values = new Float32Array(40_000).fill(0.5);
    expect(withActivationNoise(values, 0, 1, 1)).toBe(values);
    const rms = rowsRms(values, [0, 1, 2], 100);
    expect(rms).toBeCloseTo(0.5, 6);
    const noisy = withActivationNoise(values, 0.2, rms, 7);
    const diffs = Array.from(noisy, (v) => v - 0.5);
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const std = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length);
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(std).toBeGreaterThan(0.098);
    expect(std).toBeLessThan(0.102);
    expect(Array.from(withActivationNoise(values, 0.2, rms, 7))).toEqual(Array.from(noisy));
  });
});
