// float16/bfloat16 codecs: exact on representable values, round-to-nearest-even, Inf/NaN/subnormals.
import { describe, expect, it } from 'vitest';
import { decodeBfloat16, decodeFloat16, encodeBfloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from './half-precision.js';

describe('float16', () => {
  it('round-trips representable values exactly', () => {
    const values = Float32Array.from([0, -0, 1, -2, 0.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, 1025]);
    expect(Array.from(decodeFloat16(encodeFloat16(values)))).toEqual(Array.from(values));
  });

  it('rounds to nearest even and handles overflow, NaN and tiny values', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (1.0)
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (1 + 2^-9)
    expect(float16BitsToFloat32(float32ToFloat16Bits(70000))).toBe(Infinity);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
    expect(float16BitsToFloat32(float32ToFloat16Bits(1e-9))).toBe(0);
  });

  it('keeps relative error under 2^-11 in the normal range', () => {
    for (let i = 0; i < 1000; i++) {
      const x = (Math.random() - 0.5) * 2 ** (Math.random() * 20 - 8);
      const y = float16BitsToFloat32(float32ToFloat16Bits(x));
      expect(Math.abs(y - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -24);
    }
  });
});

describe('bfloat16', () => {
  it('round-trips values with 8 mantissa bits and rounds the rest', () => {
    const values = Float32Array.from([1, -2, 0.5, 3.140625, 1e30]);
    const back = decodeBfloat16(encodeBfloat16(values));
    expect(back[0]).toBe(1);
    expect(back[3]).toBe(3.140625);
    expect(Math.abs(back[4]! - 1e30) / 1e30).toBeLessThan(2 ** -8);
    expect(Number.isNaN(decodeBfloat16(encodeBfloat16(Float32Array.from([NaN])))[0])).toBe(true);
  });
});
