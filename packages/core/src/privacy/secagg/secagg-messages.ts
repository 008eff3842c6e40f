// The messages of a secure-aggregation round (Bonawitz et al. 2017, §4: AdvertiseKeys, ShareKeys,
// MaskedInputCollection, Unmasking) as plain objects with binary fields, their size checks, and their payload bytes.
import { SecAggError } from './secagg-config.js';
import { sealedLength } from './secagg-crypto.js';

export interface PublicKeys {
  /** X25519 key for the shares' encryption (c_u^PK). */
  encryptionKey: Uint8Array;
  /** X25519 key for the pairwise masks (s_u^PK). */
  maskingKey: Uint8Array;
}

/** Plaintext of one encrypted share: the recipient's share of the sender's masking secret, then of its self-mask seed. */
export const SHARE_PLAINTEXT_BYTES = 64;
export const SHARE_CIPHERTEXT_BYTES = sealedLength(SHARE_PLAINTEXT_BYTES);

/** Volunteer → server. */
export type SecAggClientMessage =
  | { type: 'advertise-keys'; from: string; keys: PublicKeys }
  | { type: 'share-keys'; from: string; shares: { to: string; ciphertext: Uint8Array }[] }
  | { type: 'masked-input'; from: string; masked: Uint32Array }
  | { type: 'unmask'; from: string; selfMaskShares: { of: string; share: Uint8Array }[]; keyShares: { of: string; share: Uint8Array }[] };

/** Server → one volunteer. */
export type SecAggServerMessage =
  | { type: 'keys'; keys: ({ id: string } & PublicKeys)[] }
  | { type: 'relayed-shares'; shares: { from: string; ciphertext: Uint8Array }[] }
  | { type: 'unmask-request'; survivors: string[]; dropped: string[] };

export function requireBytes(value: unknown, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new SecAggError('malformed', `${what} must be ${length} bytes, found ${value instanceof Uint8Array ? `${value.length} bytes` : typeof value}`);
  }
  return value;
}

export function requireIdList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) throw new SecAggError('malformed', `${what} must be a list of volunteer ids`);
  if (new Set(value).size !== value.length) throw new SecAggError('malformed', `${what} names a volunteer twice`);
  return value as string[];
}

/** Payload bytes of a message: its binary fields plus the UTF-8 bytes of the ids it carries (no framing). */
export function messageBytes(message: SecAggClientMessage | SecAggServerMessage): number {
  const id = (s: string) => new TextEncoder().encode(s).length;
  switch (message.type) {
    case 'advertise-keys': return id(message.from) + message.keys.encryptionKey.length + message.keys.maskingKey.length;
    case 'share-keys': return id(message.from) + message.shares.reduce((s, x) => s + id(x.to) + x.ciphertext.length, 0);
    case 'masked-input': return id(message.from) + message.masked.byteLength;
    case 'unmask': return id(message.from) + [...message.selfMaskShares, ...message.keyShares].reduce((s, x) => s + id(x.of) + x.share.length, 0);
    case 'keys': return message.keys.reduce((s, k) => s + id(k.id) + k.encryptionKey.length + k.maskingKey.length, 0);
    case 'relayed-shares': return message.shares.reduce((s, x) => s + id(x.from) + x.ciphertext.length, 0);
    case 'unmask-request': return [...message.survivors, ...message.dropped].reduce((s, x) => s + id(x), 0);
  }
}
