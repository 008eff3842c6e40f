// Building blocks of secure aggregation: Shamir over GF(256), the fixed-point encoding and its error bound, X25519
// against RFC 7748's test vector, HKDF and AES-GCM through WebCrypto.
import { describe, expect, it } from 'vitest';
import { seededRandomBytes } from '../random/random-bytes.js';
import { webCrypto } from '../web-crypto.js';
import { dequantizeSum, quantization, quantize, sumErrorBound } from './quantize.js';
import { aesGcmKey, hkdf32, open, seal, x25519Agree, x25519FromSecret } from './secagg-crypto.js';
import { combineShares, gfDiv, gfMul, splitSecret } from './shamir-gf256.js';

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('Shamir over GF(256)', () => {
  it('is a field: 3 generates all 255 non-zero elements, and division undoes multiplication', () => {
    const seen = new Set<number>();
    for (let x = 1, i = 0; i < 255; i++, x = gfMul(x, 3)) seen.add(x);
    expect(seen.size).toBe(255);
    for (let a = 1; a < 256; a += 7) for (let b = 1; b < 256; b += 11) expect(gfDiv(gfMul(a, b), b)).toBe(a);
  });

  it('any t of n shares rebuild the secret; t − 1 are refused; a forged share is caught', () => {
    const random = seededRandomBytes(1);
    const secret = random(32);
    const xs = Array.from({ length: 10 }, (_, i) => i + 1);
    const shares = splitSecret(secret, xs, 6, random);
    for (const pick of [[0, 1, 2, 3, 4, 5], [9, 7, 5, 3, 1, 0], [2, 3, 4, 5, 6, 7, 8, 9]]) {
      expect(toHex(combineShares(pick.map((i) => shares[i]!), 6))).toBe(toHex(secret));
    }
    expect(() => combineShares(shares.slice(0, 5), 6)).toThrow(/needs 6 shares, found 5/);
    const forged = shares.map((s) => ({ x: s.x, y: Uint8Array.from(s.y) }));
    forged[7]!.y[3]! ^= 1;
    expect(() => combineShares(forged, 6)).toThrow(/share at point 8 is inconsistent/);
    expect(() => splitSecret(secret, [1, 2, 2], 2, random)).toThrow(/point 2 appears twice/);
  });

  it('t − 1 shares say nothing: their bytes are uniform whatever the secret (seeded, 2 × 20,000 splits)', () => {
    const random = seededRandomBytes(2);
    const counts = [new Array<number>(256).fill(0), new Array<number>(256).fill(0)];
    [new Uint8Array([0]), new Uint8Array([255])].forEach((secret, s) => {
      for (let i = 0; i < 20_000; i++) counts[s]![splitSecret(secret, [1, 2, 3], 3, random)[0]!.y[0]!]!++;
    });
    for (const c of counts) {
      const expected = 20_000 / 256;
      const chi2 = c.reduce((sum, k) => sum + (k - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(360); // 255 degrees of freedom: p ≈ 1e-4
    }
  });
});

describe('fixed-point encoding', () => {
  it('a decoded sum of k vectors is within k/(2·scale) of the true sum; out-of-range values are clamped and counted', () => {
    const q = quantization(0.5, 10);
    const random = seededRandomBytes(3);
    const vectors = Array.from({ length: 10 }, () => Array.from(random(400), (b) => (b / 255 - 0.5) * 0.999));
    const sum = new Uint32Array(400);
    for (const v of vectors) quantize(v, q).values.forEach((x, i) => (sum[i] = sum[i]! + x));
    const decoded = dequantizeSum(sum, q);
    const exact = vectors.reduce((acc, v) => acc.map((a, i) => a + v[i]!), new Array<number>(400).fill(0));
    const worst = Math.max(...decoded.map((d, i) => Math.abs(d - exact[i]!)));
    expect(worst).toBeLessThanOrEqual(sumErrorBound(q, 10));
    expect(sumErrorBound(q, 10)).toBeLessThan(2e-8);
    // the extremes of all 10 volunteers together do not wrap around
    const extremes = new Uint32Array(2);
    for (let i = 0; i < 10; i++) quantize([0.5, -0.5], q).values.forEach((x, j) => (extremes[j] = extremes[j]! + x));
    expect(Array.from(dequantizeSum(extremes, q)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([5, -5]);
    const { clamped, values } = quantize([0.7, -3, 0.1], q);
    expect(clamped).toBe(2);
    expect(dequantizeSum(values, q)[0]).toBeCloseTo(0.5, 8);
    expect(() => quantize([Number.NaN], q)).toThrow(/element 0 is NaN/);
  });
});

describe('WebCrypto primitives', () => {
  const crypto = webCrypto();

  it('X25519 from raw secrets matches RFC 7748 §6.1', async () => {
    const alice = await x25519FromSecret(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), crypto);
    const bob = await x25519FromSecret(fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'), crypto);
    expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(await x25519Agree(alice.privateKey, bob.publicKey, crypto))).toBe(shared);
    expect(toHex(await x25519Agree(bob.privateKey, alice.publicKey, crypto))).toBe(shared);
    await expect(x25519Agree(alice.privateKey, new Uint8Array(32), crypto)).rejects.toThrow(/X25519 key agreement failed/); // a low-order point
  });

  it('HKDF-SHA-256 matches RFC 5869 test case 3 (first 32 bytes); AES-GCM opens only with the same key and context', async () => {
    const okm = await hkdf32(fromHex('0b'.repeat(22)), new Uint8Array(0), '', crypto);
    expect(toHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d');
    const a = await hkdf32(fromHex('0b'.repeat(22)), new Uint8Array(0), 'label', crypto);
    const b = await hkdf32(fromHex('0b'.repeat(22)), new Uint8Array(0), 'other label', crypto);
    expect(toHex(a)).not.toBe(toHex(b));
    const random = seededRandomBytes(4);
    const key = await aesGcmKey(a, crypto);
    const sealed = await seal(key, Uint8Array.from([1, 2, 3]), Uint8Array.from([9]), random, crypto);
    expect(Array.from((await open(key, sealed, Uint8Array.from([9]), crypto))!)).toEqual([1, 2, 3]);
    expect(await open(key, sealed, Uint8Array.from([8]), crypto)).toBeNull();
    expect(await open(await aesGcmKey(b, crypto), sealed, Uint8Array.from([9]), crypto)).toBeNull();
  });
});
