// Gaussian noise for differential privacy: Box–Muller over 53-bit uniforms from a ChaCha20 stream. Seeded (32-byte
// key or a number) for reproducible tests and benchmarks; `secure()` keys it from WebCrypto for real runs.
import { fail } from '../../errors.js';
import { type RandomBytes, secureRandomBytes } from '../web-crypto.js';
import { ChaCha20Stream } from './chacha20.js';

const NOISE_NONCE = new TextEncoder().encode('dp-gaussian!'); // 12 bytes: keeps this stream apart from other uses of a key

export class GaussianNoise {
  private spare: number | null = null;

  private constructor(private readonly stream: ChaCha20Stream) {}

  /** A reproducible generator: the same seed gives the same numbers on every platform. */
  static fromSeed(seed: number | Uint8Array): GaussianNoise {
    let key: Uint8Array;
    if (typeof seed === 'number') {
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail('config', `noise seed must be a 32-bit unsigned integer, found ${seed}`);
      key = new Uint8Array(32);
      new DataView(key.buffer).setUint32(0, seed, true);
    } else {
      if (seed.length !== 32) fail('config', `noise seed must be 32 bytes, found ${seed.length}`);
      key = seed;
    }
    return new GaussianNoise(new ChaCha20Stream(key, NOISE_NONCE));
  }

  /** A generator keyed from the platform's CSPRNG (what a real DP run must use: the noise must stay secret). */
  static secure(random: RandomBytes = secureRandomBytes()): GaussianNoise {
    return GaussianNoise.fromSeed(random(32));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.stream.nextWord() >>> 5; // 27 bits
    const lo = this.stream.nextWord() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  next(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** Adds N(0, std²) to every element of `values` in place and returns it. */
  addTo<T extends Float32Array | Float64Array>(values: T, std: number): T {
    if (!(std >= 0) || !Number.isFinite(std)) fail('config', `noise std must be finite and >= 0, found ${std}`);
    if (std === 0) return values;
    for (let i = 0; i < values.length; i++) values[i] = values[i]! + std * this.next();
    return values;
  }
}
