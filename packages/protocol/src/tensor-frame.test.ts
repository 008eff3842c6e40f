import { describe, expect, it } from 'vitest';
import { FRAME_MAX_ABS } from './limits.js';
import { decodeFloatFrame, encodeFloatFrame, FrameError, tensorFrameSchema } from './tensor-frame.js';

const reason = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof FrameError ? error.reason : 'other';
  }
};

describe('float frames are checked on their decoded values', () => {
  it('round-trips fp16 frames with their scale', () => {
    const values = Float32Array.from([1e-7, -3e-6, 2.5e-5]);
    const decoded = decodeFloatFrame(encodeFloatFrame('g', [3], values, 'float16'));
    for (let i = 0; i < 3; i++) expect(Math.abs(decoded[i]! - values[i]!) / Math.abs(values[i]!)).toBeLessThan(1e-3);
  });

  it('refuses finite stored values that a tiny scale turns into Infinity', () => {
    const frame = { ...encodeFloatFrame('a', [4], new Float32Array(4).fill(1), 'float32'), scale: 1e-300 };
    expect(reason(() => decodeFloatFrame(frame))).toBe('non-finite');
  });

  it('refuses magnitudes beyond the frame limit, in fp32 and after an fp16 scale', () => {
    expect(reason(() => decodeFloatFrame(encodeFloatFrame('a', [2], Float32Array.from([1, 3e38]), 'float32')))).toBe('range');
    const fp16 = { ...encodeFloatFrame('a', [2], Float32Array.from([1, 2]), 'float16'), scale: 2 ** -30 };
    expect(reason(() => decodeFloatFrame(fp16))).toBe('range');
    expect(reason(() => decodeFloatFrame(encodeFloatFrame('a', [1], Float32Array.from([FRAME_MAX_ABS]), 'float32')))).toBeNull();
  });

  it('range-checks the scale in the schema', () => {
    const frame = encodeFloatFrame('a', [1], Float32Array.from([1]), 'float16');
    expect(tensorFrameSchema.safeParse({ ...frame, scale: 1e-300 }).success).toBe(false);
    expect(tensorFrameSchema.safeParse({ ...frame, scale: 1e300 }).success).toBe(false);
    expect(tensorFrameSchema.safeParse({ ...frame, scale: 2 ** 40 }).success).toBe(true);
  });
});
