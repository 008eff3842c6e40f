// ChaCha20 against RFC 8439's test vector and OpenSSL's chacha20 (node:crypto); the Gaussian noise's moments, tails
// and reproducibility; seeded random bytes.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChaCha20Stream } from './chacha20.js';
import { GaussianNoise } from './gaussian-noise.js';
import { seededRandomBytes } from './random-bytes.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ChaCha20', () => {
  it('matches the RFC 8439 §2.3.2 block test vector', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Uint8Array.from([0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0]);
    const block = new ChaCha20Stream(key, nonce, 1).fillBytes(new Uint8Array(64));
    expect(hex(block)).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e'
      + 'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('matches OpenSSL\'s chacha20 keystream over many blocks, whichever way it is read', () => {
    const key = seededRandomBytes(7)(32);
    const nonce = seededRandomBytes(8)(12);
    const iv = Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from(nonce)]); // OpenSSL: 32-bit LE counter, then nonce
    const reference = createCipheriv('chacha20', key, iv).update(Buffer.alloc(64 * 37));
    const words = new ChaCha20Stream(key, nonce, 5);
    const mixed = new Uint32Array(64 * 37 / 4);
    mixed[0] = words.nextWord(); // a single word first, then a fill that starts mid-block
    words.fillWords(mixed.subarray(1, 300));
    words.fillWords(mixed.subarray(300));
    expect(hex(new Uint8Array(mixed.buffer))).toBe(reference.toString('hex'));
  });

  it('rejects keys and nonces of the wrong size with a clear error', () => {
    expect(() => new ChaCha20Stream(new Uint8Array(16))).toThrow(/key must be 32 bytes, found 16/);
    expect(() => new ChaCha20Stream(new Uint8Array(32), new Uint8Array(8))).toThrow(/nonce must be 12 bytes, found 8/);
  });
});

describe('GaussianNoise', () => {
  it('is reproducible from its seed, and different seeds differ', () => {
    const a = GaussianNoise.fromSeed(42).addTo(new Float64Array(100), 1);
    const b = GaussianNoise.fromSeed(42).addTo(new Float64Array(100), 1);
    const c = GaussianNoise.fromSeed(43).addTo(new Float64Array(100), 1);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('has the moments and tails of N(0, σ²) (seeded, 400k samples)', () => {
    const n = 400_000;
    const std = 2.5;
    const x = GaussianNoise.fromSeed(1234).addTo(new Float64Array(n), std);
    let sum = 0;
    let sq = 0;
    let fourth = 0;
    let beyond2 = 0;
    for (const v of x) {
      sum += v;
      sq += v * v;
      fourth += v ** 4;
      if (Math.abs(v) > 2 * std) beyond2++;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    // Standard errors: mean σ/√n ≈ 0.004; std ≈ σ/√(2n) ≈ 0.0028; 5-sigma bounds keep the seeded test honest.
    expect(Math.abs(mean)).toBeLessThan(5 * std / Math.sqrt(n));
    expect(Math.abs(Math.sqrt(variance) - std)).toBeLessThan(5 * std / Math.sqrt(2 * n));
    expect(Math.abs(fourth / n / std ** 4 - 3)).toBeLessThan(0.05); // kurtosis of a normal is 3
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.002); // P(|Z| > 2) = 4.55 %
    const secure = GaussianNoise.secure().addTo(new Float64Array(1000), 1);
    expect(new Set(secure).size).toBe(1000);
  });

  it('std 0 adds nothing; a negative std is an error', () => {
    const x = Float32Array.from([1, 2, 3]);
    expect(Array.from(GaussianNoise.fromSeed(1).addTo(x, 0))).toEqual([1, 2, 3]);
    expect(() => GaussianNoise.fromSeed(1).addTo(x, -1)).toThrow(/std must be finite and >= 0, found -1/);
  });
});
