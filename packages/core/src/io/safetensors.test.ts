// safetensors: round trips in F32/F16/BF16, and clear errors for broken files.
import { describe, expect, it } from 'vitest';
import { parseSafetensors, readSafetensors, writeSafetensors } from './safetensors.js';

const tensors = {
  'a.weight': { shape: [2, 3], data: Float32Array.from([1, -2.5, 3.25, 0, 65504, -1e-3]) },
  'b.bias': { shape: [1], data: Float32Array.from([0.1]) },
};

describe('safetensors', () => {
  it('round-trips F32 exactly with an 8-byte aligned header and format=pt metadata', () => {
    const bytes = writeSafetensors(tensors);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const file = parseSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(readSafetensors(bytes)).toEqual(tensors);
  });

  it('round-trips F16 and BF16 within their precision', () => {
    for (const [dtype, tolerance] of [['F16', 1e-3], ['BF16', 8e-3]] as const) {
      const back = readSafetensors(writeSafetensors(tensors, dtype));
      back['a.weight']!.data.forEach((v, i) => {
        const want = tensors['a.weight'].data[i]!;
        expect(Math.abs(v - want)).toBeLessThanOrEqual(Math.abs(want) * tolerance + 1e-6);
      });
      expect(parseSafetensors(writeSafetensors(tensors, dtype)).entries['a.weight']!.dtype).toBe(dtype);
    }
  });

  it('reads a slice that is not 4-byte aligned inside the buffer', () => {
    const bytes = writeSafetensors(tensors);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(readSafetensors(shifted.subarray(1))).toEqual(tensors);
  });

  it('explains what is wrong with a broken file', () => {
    expect(() => parseSafetensors(new Uint8Array(4), 'x.safetensors')).toThrow(/x\.safetensors: too short/);
    const bytes = writeSafetensors(tensors);
    expect(() => parseSafetensors(bytes.subarray(0, bytes.length - 4), 'cut.safetensors')).toThrow(/tensor (a\.weight|b\.bias) .*inconsistent offsets/);
    const badHeader = new Uint8Array(16);
    new DataView(badHeader.buffer).setBigUint64(0, 8n, true);
    badHeader.set(new TextEncoder().encode('{{{{{{{{'), 8);
    expect(() => parseSafetensors(badHeader, 'h.safetensors')).toThrow(/header is not valid JSON/);
  });
});
