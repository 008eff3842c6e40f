// A volunteer's side of secure aggregation as a pure state machine: events in (start, its input vector, the server's
// messages), actions out (messages to send, done, failed); no sockets, no clocks. Its input leaves only masked.
import type { CoreCrypto, CoreCryptoKey, RandomBytes } from '../web-crypto.js';
import { secureRandomBytes, webCrypto } from '../web-crypto.js';
import { addMod32, expandMask, pairSeed, pairSign, shareKeyBytes } from './masks.js';
import { quantize } from './quantize.js';
import { errorInfo, resolveSecAggConfig, type ResolvedSecAggConfig, type SecAggConfig, SecAggError, type SecAggErrorInfo } from './secagg-config.js';
import { aesGcmKey, newX25519KeyPair, open, seal, type X25519KeyPair, x25519Agree } from './secagg-crypto.js';
import { type PublicKeys, requireBytes, requireIdList, SHARE_CIPHERTEXT_BYTES, SHARE_PLAINTEXT_BYTES, type SecAggClientMessage, type SecAggServerMessage } from './secagg-messages.js';
import { SerialMachine } from './serial-machine.js';
import { splitSecret } from './shamir-gf256.js';

export type SecAggClientEvent = { type: 'start' } | { type: 'input'; vector: ArrayLike<number> } | SecAggServerMessage;

export type SecAggClientAction =
  | { type: 'send'; message: SecAggClientMessage }
  | { type: 'done' }
  /** The event was refused (out of order, repeated, wrong size); nothing changed. */
  | { type: 'rejected'; error: SecAggErrorInfo }
  /** The round cannot go on for this volunteer (the server sent something unsafe or the round fell below t). */
  | { type: 'failed'; error: SecAggErrorInfo };

/** idle → advertised (keys sent) → shared (shares sent) → awaiting-input → masked → done, or failed. */
export type SecAggClientPhase = 'idle' | 'advertised' | 'shared' | 'awaiting-input' | 'masked' | 'done' | 'failed';

export interface SecAggClientOptions {
  id: string;
  config: SecAggConfig;
  crypto?: CoreCrypto;
  /** Secret randomness (keys, self-mask seed, share polynomials, IVs); the platform's CSPRNG by default. */
  random?: RandomBytes;
}

interface ReceivedShares {
  keyShare: Uint8Array;
  selfMaskShare: Uint8Array;
}

export class SecAggClient extends SerialMachine<SecAggClientEvent, SecAggClientAction, SecAggClientPhase> {
  readonly id: string;
  private readonly config: ResolvedSecAggConfig;
  private readonly crypto: CoreCrypto;
  private readonly random: RandomBytes;
  private encryption: X25519KeyPair | null = null;
  private masking: X25519KeyPair | null = null;
  private peers = new Map<string, PublicKeys>(); // U1, self included
  private roster: string[] = []; // U1 sorted: share point of a volunteer = its index + 1
  private selfMaskSeed: Uint8Array | null = null;
  private shareKeys = new Map<string, CoreCryptoKey>();
  private ownShares: ReceivedShares | null = null;
  private received = new Map<string, ReceivedShares>();
  private maskingSet: string[] = []; // U2 sorted, self included
  private input: Float64Array | null = null;
  /** Input elements clamped to [−range, range] when encoding (0 when the update was clipped to range). */
  clamped = 0;

  constructor(options: SecAggClientOptions) {
    super('idle');
    if (typeof options.id !== 'string' || options.id.length === 0) throw new SecAggError('malformed', 'a secure-aggregation volunteer needs a non-empty id');
    this.id = options.id;
    this.config = resolveSecAggConfig(options.config);
    this.crypto = options.crypto ?? webCrypto();
    this.random = options.random ?? secureRandomBytes(this.crypto);
  }

  protected async process(event: SecAggClientEvent): Promise<SecAggClientAction[]> {
    const expected: Partial<Record<SecAggClientEvent['type'], SecAggClientPhase>> = { start: 'idle', keys: 'advertised', 'relayed-shares': 'shared', 'unmask-request': 'masked' };
    if (event.type === 'input') return this.acceptInput(event.vector);
    if (this.phaseNow !== expected[event.type]) {
      return [{ type: 'rejected', error: { code: this.phaseNow === 'done' || this.phaseNow === 'failed' ? 'round-over' : 'unexpected', message: `volunteer ${this.id}: "${event.type}" is not expected in phase ${this.phaseNow}` } }];
    }
    try {
      switch (event.type) {
        case 'start': return await this.advertise();
        case 'keys': return await this.shareKeysWith(event.keys);
        case 'relayed-shares': return await this.receiveShares(event.shares);
        case 'unmask-request': return this.unmask(event.survivors, event.dropped);
      }
    } catch (error) {
      this.phaseNow = 'failed';
      this.input = null;
      return [{ type: 'failed', error: errorInfo(error) }];
    }
  }

  private async advertise(): Promise<SecAggClientAction[]> {
    this.encryption = await newX25519KeyPair(this.random, this.crypto);
    this.masking = await newX25519KeyPair(this.random, this.crypto);
    this.phaseNow = 'advertised';
    return [{ type: 'send', message: { type: 'advertise-keys', from: this.id, keys: { encryptionKey: this.encryption.publicKey, maskingKey: this.masking.publicKey } } }];
  }

  private checkRoster(keys: ({ id: string } & PublicKeys)[]): void {
    const { threshold, maxClients } = this.config;
    if (!Array.isArray(keys)) throw new SecAggError('malformed', 'the key list must be a list');
    const ids = requireIdList(keys.map((k) => k.id), 'the key list');
    if (ids.length < threshold) throw new SecAggError('below-threshold', `only ${ids.length} volunteers advertised keys; this round needs t = ${threshold}`);
    if (ids.length > maxClients) throw new SecAggError('malformed', `the key list has ${ids.length} volunteers, more than maxClients ${maxClients}`);
    const seen = new Set<string>();
    for (const k of keys) {
      for (const key of [requireBytes(k.encryptionKey, 32, `encryption key of ${k.id}`), requireBytes(k.maskingKey, 32, `masking key of ${k.id}`)]) {
        const hex = Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');
        if (seen.has(hex)) throw new SecAggError('inconsistent', `the key list repeats a public key (at ${k.id})`);
        seen.add(hex);
      }
    }
    const mine = keys.find((k) => k.id === this.id);
    const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
    if (mine === undefined || !same(mine.encryptionKey, this.encryption!.publicKey) || !same(mine.maskingKey, this.masking!.publicKey)) {
      throw new SecAggError('inconsistent', `the key list does not hold volunteer ${this.id}'s own keys`);
    }
  }

  private aad(from: string, to: string): Uint8Array {
    const ids = new TextEncoder().encode(`|${from}|${to}`);
    const out = new Uint8Array(this.config.contextBytes.length + ids.length);
    out.set(this.config.contextBytes);
    out.set(ids, this.config.contextBytes.length);
    return out;
  }

  private async shareKeysWith(keys: ({ id: string } & PublicKeys)[]): Promise<SecAggClientAction[]> {
    this.checkRoster(keys);
    this.peers = new Map(keys.map((k) => [k.id, { encryptionKey: k.encryptionKey, maskingKey: k.maskingKey }]));
    this.roster = [...this.peers.keys()].sort();
    const points = this.roster.map((_, i) => i + 1);
    this.selfMaskSeed = this.random(32);
    const keyShares = splitSecret(this.masking!.secret, points, this.config.threshold, this.random);
    const selfShares = splitSecret(this.selfMaskSeed, points, this.config.threshold, this.random);
    const shares: { to: string; ciphertext: Uint8Array }[] = [];
    for (const [i, peer] of this.roster.entries()) {
      if (peer === this.id) {
        this.ownShares = { keyShare: keyShares[i]!.y, selfMaskShare: selfShares[i]!.y };
        continue;
      }
      const secret = await x25519Agree(this.encryption!.privateKey, this.peers.get(peer)!.encryptionKey, this.crypto);
      const key = await aesGcmKey(await shareKeyBytes(secret, this.config.contextBytes, this.crypto), this.crypto);
      this.shareKeys.set(peer, key);
      const plaintext = new Uint8Array(SHARE_PLAINTEXT_BYTES);
      plaintext.set(keyShares[i]!.y);
      plaintext.set(selfShares[i]!.y, 32);
      shares.push({ to: peer, ciphertext: await seal(key, plaintext, this.aad(this.id, peer), this.random, this.crypto) });
    }
    this.phaseNow = 'shared';
    return [{ type: 'send', message: { type: 'share-keys', from: this.id, shares } }];
  }

  private async receiveShares(relayed: { from: string; ciphertext: Uint8Array }[]): Promise<SecAggClientAction[]> {
    if (!Array.isArray(relayed)) throw new SecAggError('malformed', 'relayed shares must be a list');
    const senders = requireIdList(relayed.map((s) => s.from), 'the relayed shares');
    const stranger = senders.find((id) => id === this.id || !this.peers.has(id));
    if (stranger !== undefined) throw new SecAggError('inconsistent', `relayed shares name ${stranger}, who is not another volunteer of the key list`);
    if (senders.length + 1 < this.config.threshold) throw new SecAggError('below-threshold', `only ${senders.length + 1} volunteers shared keys; this round needs t = ${this.config.threshold}`);
    for (const { from, ciphertext } of relayed) {
      requireBytes(ciphertext, SHARE_CIPHERTEXT_BYTES, `the share from ${from}`);
      const plaintext = await open(this.shareKeys.get(from)!, ciphertext, this.aad(from, this.id), this.crypto);
      if (plaintext === null || plaintext.length !== SHARE_PLAINTEXT_BYTES) throw new SecAggError('inconsistent', `the share from ${from} does not decrypt for ${this.id} (altered, or not meant for it)`);
      this.received.set(from, { keyShare: plaintext.slice(0, 32), selfMaskShare: plaintext.slice(32) });
    }
    this.maskingSet = [...senders, this.id].sort();
    this.phaseNow = 'awaiting-input';
    return this.input === null ? [] : this.maskInput();
  }

  private async acceptInput(vector: ArrayLike<number>): Promise<SecAggClientAction[]> {
    if (this.input !== null || ['masked', 'done', 'failed'].includes(this.phaseNow)) {
      return [{ type: 'rejected', error: { code: 'unexpected', message: `volunteer ${this.id}: the input was already given (phase ${this.phaseNow})` } }];
    }
    if (vector === null || typeof vector !== 'object' || vector.length !== this.config.vectorLength) {
      return [{ type: 'rejected', error: { code: 'malformed', message: `volunteer ${this.id}: the input must have ${this.config.vectorLength} elements, found ${vector?.length}` } }];
    }
    this.input = Float64Array.from(vector);
    if (this.phaseNow !== 'awaiting-input') return [];
    try {
      return await this.maskInput();
    } catch (error) {
      this.phaseNow = 'failed';
      this.input = null;
      return [{ type: 'failed', error: errorInfo(error) }];
    }
  }

  /** y_u = quantized x_u + PRG(b_u) + Σ_v ±PRG(s_uv) over Z_2^32, for every other v that shared keys (U2). */
  private async maskInput(): Promise<SecAggClientAction[]> {
    const { vectorLength, quantization, contextBytes } = this.config;
    const { values, clamped } = quantize(this.input!, quantization);
    this.clamped = clamped;
    this.input = null; // the plain input is not kept once masked
    addMod32(values, expandMask(this.selfMaskSeed!, vectorLength, 'self'));
    for (const peer of this.maskingSet) {
      if (peer === this.id) continue;
      const secret = await x25519Agree(this.masking!.privateKey, this.peers.get(peer)!.maskingKey, this.crypto);
      addMod32(values, expandMask(await pairSeed(secret, contextBytes, this.crypto), vectorLength, 'pair'), pairSign(this.id, peer));
    }
    this.phaseNow = 'masked';
    return [{ type: 'send', message: { type: 'masked-input', from: this.id, masked: values } }];
  }

  /** Reveals shares of b_u for the survivors and of s_u^SK for the dropped — never both for one volunteer. */
  private unmask(survivorsIn: string[], droppedIn: string[]): SecAggClientAction[] {
    const survivors = requireIdList(survivorsIn, 'the survivors');
    const dropped = requireIdList(droppedIn, 'the dropped');
    const union = new Set([...survivors, ...dropped]);
    if (union.size !== survivors.length + dropped.length) throw new SecAggError('inconsistent', 'the unmask request lists a volunteer as both survivor and dropped');
    if (union.size !== this.maskingSet.length || this.maskingSet.some((id) => !union.has(id))) {
      throw new SecAggError('inconsistent', `the unmask request must split exactly the ${this.maskingSet.length} volunteers that shared keys into survivors and dropped`);
    }
    if (!survivors.includes(this.id)) throw new SecAggError('inconsistent', `the unmask request lists ${this.id} as dropped, but it sent its masked input`);
    if (survivors.length < this.config.threshold) throw new SecAggError('below-threshold', `only ${survivors.length} volunteers sent masked input; this round needs t = ${this.config.threshold}`);
    const sharesOf = (id: string) => (id === this.id ? this.ownShares! : this.received.get(id)!);
    this.phaseNow = 'done';
    return [
      { type: 'send', message: { type: 'unmask', from: this.id, selfMaskShares: survivors.map((of) => ({ of, share: sharesOf(of).selfMaskShare })), keyShares: dropped.map((of) => ({ of, share: sharesOf(of).keyShare })) } },
      { type: 'done' },
    ];
  }
}
