// The attacker's view of the wire: fp16 frames round values as the protocol does, fp32 frames are exact.
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16 } from '@splitlora/protocol';
import { throughWire } from './wire.js';

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
