// Seeded random bytes from ChaCha20, for reproducible secure-aggregation tests and benchmarks (real runs use the
// platform's CSPRNG, `secureRandomBytes`).
import type { RandomBytes } from '../web-crypto.js';
import { ChaCha20Stream } from './chacha20.js';

const BYTES_NONCE = new TextEncoder().encode('random-bytes'); // 12 bytes

export function seededRandomBytes(seed: number): RandomBytes {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, seed >>> 0, true);
  const stream = new ChaCha20Stream(key, BYTES_NONCE);
  return (length) => stream.fillBytes(new Uint8Array(length));
}
