// The cryptography of secure aggregation through WebCrypto: X25519 key pairs from 32 secret bytes (so a dropped
// volunteer's secret can be rebuilt from shares and used again), key agreement, HKDF-SHA-256 and AES-256-GCM.
import { CoreError } from '../../errors.js';
import type { CoreCrypto, CoreCryptoKey, RandomBytes } from '../web-crypto.js';

/** PKCS#8 header of an X25519 private key (RFC 8410): the 32 secret bytes follow it. */
const X25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface X25519KeyPair {
  /** The 32 secret bytes (what gets secret-shared). */
  secret: Uint8Array;
  privateKey: CoreCryptoKey;
  /** The raw 32-byte public key (what gets advertised). */
  publicKey: Uint8Array;
}

function base64UrlDecode(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.replace(/=+$/, '')) {
    const digit = alphabet.indexOf(ch);
    if (digit < 0) throw new CoreError('privacy', `invalid base64url character "${ch}" in a JSON Web Key`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** The X25519 key pair whose private scalar is `secret` (WebCrypto clamps it as RFC 7748 says). */
export async function x25519FromSecret(secret: Uint8Array, crypto: CoreCrypto): Promise<X25519KeyPair> {
  if (secret.length !== 32) throw new CoreError('privacy', `an X25519 secret is 32 bytes, found ${secret.length}`);
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(X25519_PKCS8_PREFIX);
  pkcs8.set(secret, 16);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  if (jwk.x === undefined) throw new CoreError('privacy', 'WebCrypto exported an X25519 key without its public part');
  return { secret: Uint8Array.from(secret), privateKey, publicKey: base64UrlDecode(jwk.x) };
}

export async function newX25519KeyPair(random: RandomBytes, crypto: CoreCrypto): Promise<X25519KeyPair> {
  return x25519FromSecret(random(32), crypto);
}

/** The 32-byte X25519 shared secret of our private key and a peer's raw public key. */
export async function x25519Agree(privateKey: CoreCryptoKey, peerPublicKey: Uint8Array, crypto: CoreCrypto): Promise<Uint8Array> {
  if (peerPublicKey.length !== 32) throw new CoreError('privacy', `an X25519 public key is 32 bytes, found ${peerPublicKey.length}`);
  let peer: CoreCryptoKey;
  let bits: ArrayBuffer;
  try {
    peer = await crypto.subtle.importKey('raw', peerPublicKey, { name: 'X25519' }, true, []);
    bits = await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, privateKey, 256);
  } catch (error) {
    // WebCrypto refuses low-order public keys (an all-zero shared secret) among others
    throw new CoreError('privacy', `X25519 key agreement failed: ${(error as Error).message}`);
  }
  return new Uint8Array(bits);
}

/** HKDF-SHA-256 of `ikm` to 32 bytes. */
export async function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: string, crypto: CoreCrypto): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: new TextEncoder().encode(info) }, key, 256));
}

export async function aesGcmKey(bytes: Uint8Array, crypto: CoreCrypto): Promise<CoreCryptoKey> {
  return crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** Bytes of a sealed message: a random 96-bit IV, the ciphertext, the 128-bit tag. */
export function sealedLength(plaintextBytes: number): number {
  return IV_BYTES + plaintextBytes + TAG_BYTES;
}

/** AES-256-GCM with a fresh random IV; `aad` is authenticated, not sent. */
export async function seal(key: CoreCryptoKey, plaintext: Uint8Array, aad: Uint8Array, random: RandomBytes, crypto: CoreCrypto): Promise<Uint8Array> {
  const iv = random(IV_BYTES);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plaintext));
  const out = new Uint8Array(IV_BYTES + ciphertext.length);
  out.set(iv);
  out.set(ciphertext, IV_BYTES);
  return out;
}

/** Opens what `seal` made, or returns null when it was not made with this key and `aad` (or was altered). */
export async function open(key: CoreCryptoKey, sealed: Uint8Array, aad: Uint8Array, crypto: CoreCrypto): Promise<Uint8Array | null> {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES), additionalData: aad }, key, sealed.subarray(IV_BYTES)));
  } catch {
    return null;
  }
}
