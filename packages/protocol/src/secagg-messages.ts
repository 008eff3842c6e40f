// Secure aggregation on the wire (Bonawitz et al. 2017; docs/PRIVACY.md): the round's settings in round:start, what a
// volunteer sends (public keys, sealed shares, its masked update with its report, unmasking shares) and what the
// server pushes (the key list, the shares relayed to it, the unmask request, an abort). Binary fields have exact sizes;
// lists of keys, ciphertexts and shares travel as ONE packed binary beside their ids, because socket.io's parser
// refuses a message with more than 10 binary attachments (maxAttachments) and drops the connection.
import { z } from 'zod';
import { finiteSchema, idSchema } from './shared-records.js';
import { type Binary, alignedBytes } from './tensor-frame.js';
import { stampSchema } from './volunteer-messages.js';

/** X25519 public keys and the 32-byte Shamir shares (of a 32-byte secret) are 32 bytes. */
export const SECAGG_KEY_BYTES = 32;
/** One sealed pair of shares: 12-byte IV + 64-byte plaintext + 16-byte GCM tag. */
export const SECAGG_CIPHERTEXT_BYTES = 92;
/** Most elements of a masked update (the largest LoRA adapter a run accepts, with room). */
export const SECAGG_MAX_VECTOR = 1 << 26;

/** Binary data of exactly `length` bytes (or at most, for `max`), copied into an aligned Uint8Array. */
function bytes(length: number, exact = true) {
  return z.custom<Binary>((v) => (v instanceof ArrayBuffer || v instanceof Uint8Array) && (exact ? v.byteLength === length : v.byteLength <= length), {
    message: exact ? `expected ${length} bytes of binary data` : `expected at most ${length} bytes of binary data`,
  }).transform((v) => alignedBytes(v));
}

/** The secure-aggregation settings of one round, sent in round:start to each of its participants. */
export interface SecAggRoundConfig {
  /** Binds keys, masks and ciphertexts to this round: `${runId}/round-${round}`. */
  context: string;
  threshold: number;
  vectorLength: number;
  /** Each element of the update is clamped to [−range, range] before encoding. */
  range: number;
  /** The round's participants (≤ 255): sets the encoding so their sum cannot wrap. */
  maxClients: number;
  /** With DP the volunteer clips its update to this L2 norm (the server cannot clip what it cannot see); else null. */
  clipNorm: number | null;
}

// ---- volunteer → server ----

export const secaggAdvertiseSchema = z.strictObject({ stamp: stampSchema, encryptionKey: bytes(SECAGG_KEY_BYTES), maskingKey: bytes(SECAGG_KEY_BYTES) });

/** `count` items of `size` bytes each, back to back; and the list back. */
export function packBytes(items: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(items.length * size);
  items.forEach((item, i) => {
    if (item.length !== size) throw new Error(`packed item ${i} has ${item.length} bytes, expected ${size}`);
    out.set(item, i * size);
  });
  return out;
}

export function unpackBytes(packed: Binary, size: number): Uint8Array[] {
  const bytes = alignedBytes(packed);
  if (bytes.length % size !== 0) throw new Error(`packed data of ${bytes.length} bytes is not a whole number of ${size}-byte items`);
  return Array.from({ length: bytes.length / size }, (_, i) => bytes.slice(i * size, (i + 1) * size));
}

/** Ids and their packed items: as many items as ids. */
function packedList(size: number, max: number, what: string) {
  return z.strictObject({ ids: z.array(idSchema).max(max), packed: bytes(size * max, false) })
    .refine((v) => v.packed.byteLength === v.ids.length * size, { message: `${what}: expected ${size} bytes per id` });
}

export const secaggShareKeysSchema = z.strictObject({
  stamp: stampSchema,
  /** To whom each sealed pair of shares goes (ids), and the ciphertexts packed in that order. */
  shares: packedList(SECAGG_CIPHERTEXT_BYTES, 254, 'shares'),
});

/** The masked update (little-endian uint32 per element) and the round's report: it replaces round:update. */
export const secaggMaskedInputSchema = z.strictObject({
  stamp: stampSchema,
  masked: bytes(SECAGG_MAX_VECTOR * 4, false).refine((b) => b.byteLength % 4 === 0, 'the masked update must be a whole number of uint32 values'),
  tokens: z.number().int().min(1),
  meanLoss: finiteSchema,
  seconds: z.number().min(0),
});

export const secaggUnmaskSchema = z.strictObject({
  stamp: stampSchema,
  /** Shares of the survivors' self-mask seeds, and of the dropped volunteers' masking keys, by owner id. */
  selfMaskShares: packedList(SECAGG_KEY_BYTES, 255, 'selfMaskShares'),
  keyShares: packedList(SECAGG_KEY_BYTES, 255, 'keyShares'),
});

export type SecAggAdvertise = z.output<typeof secaggAdvertiseSchema>;
export type SecAggShareKeys = z.output<typeof secaggShareKeysSchema>;
export type SecAggMaskedInput = z.output<typeof secaggMaskedInputSchema>;
export type SecAggUnmask = z.output<typeof secaggUnmaskSchema>;
export interface SecAggAccepted { accepted: true }

// ---- server → volunteer ----

interface SecAggPushBase { runId: string; round: number }
/** The key list: ids, and per id its encryption key then its masking key (64 bytes), packed. */
export interface SecAggKeysMessage extends SecAggPushBase { ids: string[]; keys: Binary }
/** The ciphertexts addressed to this volunteer: senders' ids, and their 92-byte ciphertexts packed. */
export interface SecAggRelayedShares extends SecAggPushBase { from: string[]; ciphertexts: Binary }
export interface SecAggUnmaskRequest extends SecAggPushBase { survivors: string[]; dropped: string[] }
/** The round's secure aggregation failed (below the threshold, inconsistent shares): the global adapter stays. */
export interface SecAggAbort extends SecAggPushBase { code: string; message: string }
