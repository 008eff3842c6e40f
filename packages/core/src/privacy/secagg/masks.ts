// Masks of secure aggregation: 32-byte seeds expanded by ChaCha20 into vectors over Z_2^32 — a pairwise mask that
// u adds and v subtracts (u < v), and each volunteer's self mask b_u. Seeds come from X25519 + HKDF bound to
// the round's context, so a seed of one round says nothing about another.
import type { CoreCrypto } from '../web-crypto.js';
import { ChaCha20Stream } from '../random/chacha20.js';
import { hkdf32 } from './secagg-crypto.js';

const PAIR_NONCE = new TextEncoder().encode('secagg-pair!'); // 12 bytes each: the two kinds of mask never share a stream
const SELF_NONCE = new TextEncoder().encode('secagg-self!');

export type MaskKind = 'pair' | 'self';

/** The mask vector of a 32-byte seed. */
export function expandMask(seed: Uint8Array, length: number, kind: MaskKind): Uint32Array {
  return new ChaCha20Stream(seed, kind === 'pair' ? PAIR_NONCE : SELF_NONCE).fillWords(new Uint32Array(length));
}

/** acc += sign · v (mod 2^32), in place. */
export function addMod32(acc: Uint32Array, v: Uint32Array, sign: 1 | -1 = 1): Uint32Array {
  if (sign === 1) for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + v[i]!;
  else for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! - v[i]!;
  return acc;
}

/** +1 when `self` adds the pair's mask, −1 when it subtracts it (the smaller id adds). */
export function pairSign(self: string, peer: string): 1 | -1 {
  return self < peer ? 1 : -1;
}

/** The seed of the pairwise mask of two volunteers, from their X25519 shared secret. */
export function pairSeed(sharedSecret: Uint8Array, context: Uint8Array, crypto: CoreCrypto): Promise<Uint8Array> {
  return hkdf32(sharedSecret, context, 'splitlora secagg v1 pair mask', crypto);
}

/** The AES-GCM key for shares sent between two volunteers, from their encryption keys' shared secret. */
export function shareKeyBytes(sharedSecret: Uint8Array, context: Uint8Array, crypto: CoreCrypto): Promise<Uint8Array> {
  return hkdf32(sharedSecret, context, 'splitlora secagg v1 share encryption', crypto);
}
