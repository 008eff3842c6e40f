// The fast float16 codec against the scalar one it replaced (kept here as the reference): every one of the 65,536
// halves decodes exactly and re-encodes to itself, and the encode matches the old function bit for bit on every
// sign and exponent with all rounding-relevant low mantissa bits, on all ties, and on random bit patterns.
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from './half-precision.js';
import { decodeFloatFrame, encodeFloatFrame, float16Scale } from './tensor-frame.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The encoder before the bit-level one, unchanged: the reference. */
function referenceFloat32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let result = mant >>> shift;
    if (rest > half || (rest === half && (result & 1) === 1)) result += 1;
    return sign | result;
  }
  let result = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (result & 1) === 1)) result += 1;
  return sign | result;
}

/** The decoder before the table, unchanged: the reference. */
function referenceFloat16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Compares the array encoder with the reference on float32 bit patterns; returns the first mismatch or null. */
function firstEncodeMismatch(patterns: Uint32Array): string | null {
  const values = new Float32Array(patterns.buffer);
  const encoded = encodeFloat16(values);
  for (let i = 0; i < patterns.length; i++) {
    const expected = referenceFloat32ToFloat16Bits(values[i]!);
    if (encoded[i] !== expected) return `float32 bits 0x${patterns[i]!.toString(16)}: 0x${encoded[i]!.toString(16)}, expected 0x${expected.toString(16)}`;
  }
  return null;
}

describe('fast float16 codec', () => {
  it('decodes every half exactly and encodes it back to itself', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const decoded = decodeFloat16(all);
    const back = encodeFloat16(decoded);
    for (let h = 0; h < 65536; h++) {
      const expected = Math.fround(referenceFloat16BitsToFloat32(h));
      const isNaN = ((h >>> 10) & 0x1f) === 0x1f && (h & 0x3ff) !== 0;
      if (isNaN) {
        expect(Number.isNaN(decoded[h]), `half 0x${h.toString(16)}`).toBe(true);
        expect(back[h]! & 0x7c00, `half 0x${h.toString(16)} stays NaN`).toBe(0x7c00);
        expect(back[h]! & 0x3ff).not.toBe(0);
        continue;
      }
      if (!Object.is(decoded[h], expected)) expect.fail(`half 0x${h.toString(16)} decodes to ${decoded[h]}, expected ${expected}`);
      if (back[h] !== h) expect.fail(`half 0x${h.toString(16)} re-encodes to 0x${back[h]!.toString(16)}`);
      if (!Object.is(float16BitsToFloat32(h), expected)) expect.fail(`scalar decode of 0x${h.toString(16)}`);
    }
  });

  it('encodes like the reference for every sign and exponent with all 2^14 low mantissa patterns', () => {
    const patterns = new Uint32Array(512 * 2 * 16384);
    let n = 0;
    for (let signExp = 0; signExp < 512; signExp++) {
      for (const high of [0, 0x7fc000]) { // the mantissa's top bits all clear, then all set (carries into the exponent)
        for (let low = 0; low < 16384; low++) patterns[n++] = ((signExp << 23) | high | low) >>> 0;
      }
    }
    expect(firstEncodeMismatch(patterns)).toBeNull();
  });

  it('encodes like the reference on every tie and its neighbours, and on a million random bit patterns', () => {
    // Midpoints between consecutive halves (ties) and the float32s just below and above them.
    const ties = new Uint32Array(65536 * 3);
    for (let h = 0; h < 0x7c00; h++) {
      const mid = (Math.fround(referenceFloat16BitsToFloat32(h)) + Math.fround(referenceFloat16BitsToFloat32(h + 1))) / 2;
      f32[0] = mid;
      const bits = u32[0]!;
      ties.set([bits, bits - 1, bits + 1], h * 3);
    }
    expect(firstEncodeMismatch(ties)).toBeNull();
    const random = new Uint32Array(1 << 20);
    let state = 0x12345678;
    for (let i = 0; i < random.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      random[i] = (state ^ (state >>> 13) ^ Math.imul(i, 0x9e3779b9)) >>> 0;
    }
    expect(firstEncodeMismatch(random)).toBeNull();
    // The scalar entry point agrees too.
    for (const v of [0, -0, 1e-9, 5.960464477539063e-8, 65504, 65520, 70000, Infinity, -Infinity, NaN, 1 + 2 ** -11]) {
      expect(float32ToFloat16Bits(v)).toBe(referenceFloat32ToFloat16Bits(v));
    }
  });
});

describe('float16 frames', () => {
  it('pick the same power-of-two scale as the Math-based search, including for subnormal and huge maxima', () => {
    const mathScale = (values: Float32Array): number => {
      let max = 0;
      for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
      if (!(max > 0) || !Number.isFinite(max)) return 1;
      return 2 ** Math.max(-40, Math.min(40, 14 - Math.ceil(Math.log2(max))));
    };
    const cases = [[0, 0], [1e-7, -3e-7], [1, 2, -4], [1024], [1025], [3e38, -1], [1e-40, 2e-45], [0.75, -0.5], [Infinity, 1], [NaN, 2], [-0, 0]];
    for (const values of cases) {
      const array = Float32Array.from(values);
      expect(float16Scale(array), `[${values}]`).toBe(mathScale(array));
    }
  });

  it('round-trip through encode and decode with the scale, and refuse non-finite values by index', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-6);
    const back = decodeFloatFrame(encodeFloatFrame('g', [1000], values, 'float16'));
    for (let i = 0; i < values.length; i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 2 ** -11 + 1e-12);
    const withInf = encodeFloatFrame('h', [3], Float32Array.from([1, 2, 3]), 'float16');
    new Uint16Array(withInf.data.buffer as ArrayBuffer)[1] = 0x7c00;
    expect(() => decodeFloatFrame(withInf)).toThrow('h: value Infinity at index 1 is not finite');
    expect(() => decodeFloatFrame(encodeFloatFrame('f', [2], Float32Array.from([1, NaN]), 'float32'))).toThrow('f: value NaN at index 1 is not finite');
  });
});
