// The part of WebCrypto the privacy code uses (X25519, HKDF, AES-GCM, random bytes), typed here because the core's
// tsconfig has neither DOM nor Node types. Browsers, workers and Node ≥ 20 provide it as `globalThis.crypto`.
import { CoreError } from '../errors.js';

export interface CoreCryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

export type CoreAlgorithm =
  | { name: 'X25519'; public?: CoreCryptoKey }
  | { name: 'HKDF'; hash: 'SHA-256'; salt: Uint8Array; info: Uint8Array }
  | { name: 'AES-GCM'; iv?: Uint8Array; additionalData?: Uint8Array; length?: number }
  | { name: 'SHA-256' };

export interface CoreJsonWebKey {
  kty?: string;
  crv?: string;
  x?: string;
  d?: string;
}

export interface CoreSubtleCrypto {
  importKey(format: 'raw' | 'pkcs8', keyData: Uint8Array, algorithm: CoreAlgorithm | 'HKDF', extractable: boolean, usages: string[]): Promise<CoreCryptoKey>;
  exportKey(format: 'jwk', key: CoreCryptoKey): Promise<CoreJsonWebKey>;
  deriveBits(algorithm: CoreAlgorithm, baseKey: CoreCryptoKey, length: number): Promise<ArrayBuffer>;
  encrypt(algorithm: CoreAlgorithm, key: CoreCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: CoreAlgorithm, key: CoreCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
}

export interface CoreCrypto {
  readonly subtle: CoreSubtleCrypto;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** Random bytes: the platform's CSPRNG by default; tests pass a seeded one to make runs reproducible. */
export type RandomBytes = (length: number) => Uint8Array;

function isCoreCrypto(value: unknown): value is CoreCrypto {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { subtle?: Record<string, unknown>; getRandomValues?: unknown };
  return typeof c.getRandomValues === 'function' && typeof c.subtle === 'object' && c.subtle !== null
    && ['importKey', 'exportKey', 'deriveBits', 'encrypt', 'decrypt'].every((m) => typeof c.subtle![m] === 'function');
}

/** The platform's WebCrypto, or a clear error where there is none (e.g. a page served over plain http). */
export function webCrypto(): CoreCrypto {
  const candidate = (globalThis as { crypto?: unknown }).crypto;
  if (!isCoreCrypto(candidate)) {
    throw new CoreError('privacy', 'WebCrypto (globalThis.crypto.subtle) is not available here; secure aggregation and secure noise need it (browsers expose it only on https or localhost pages)');
  }
  return candidate;
}

/** Cryptographically secure random bytes from WebCrypto (getRandomValues serves at most 65,536 bytes per call). */
export function secureRandomBytes(crypto: CoreCrypto = webCrypto()): RandomBytes {
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 65536) crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
    return out;
  };
}
