// Unit tests of the UTF-8 validator that locates the first bad byte for file error messages.
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8Offset } from './utf8.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('firstInvalidUtf8Offset', () => {
  it('accepts ASCII and valid multi-byte text', () => {
    expect(firstInvalidUtf8Offset(new TextEncoder().encode('café – naïve 日本 🎉'))).toBe(-1);
    expect(firstInvalidUtf8Offset(bytes())).toBe(-1);
  });

  it('finds a Latin-1 byte, a stray continuation byte and a truncated sequence', () => {
    expect(firstInvalidUtf8Offset(bytes(0x61, 0x62, 0xe9, 0x63))).toBe(2); // "abéc" in Latin-1
    expect(firstInvalidUtf8Offset(bytes(0x61, 0x80))).toBe(1);
    expect(firstInvalidUtf8Offset(bytes(0x61, 0xe2, 0x82))).toBe(1);
  });

  it('refuses overlong forms, surrogates and code points above U+10FFFF', () => {
    expect(firstInvalidUtf8Offset(bytes(0xc0, 0xaf))).toBe(0);
    expect(firstInvalidUtf8Offset(bytes(0xe0, 0x80, 0xaf))).toBe(0);
    expect(firstInvalidUtf8Offset(bytes(0xed, 0xa0, 0x80))).toBe(0);
    expect(firstInvalidUtf8Offset(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0);
  });

  it('agrees with the platform decoder on random bytes', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let trial = 0; trial < 300; trial++) {
      const sample = new Uint8Array(Array.from({ length: 12 }, next));
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(sample);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8Offset(sample) === -1).toBe(valid);
    }
  });
});
