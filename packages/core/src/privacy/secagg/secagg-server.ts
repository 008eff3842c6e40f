// The server's side of secure aggregation as a pure state machine: volunteers' messages, dropouts and deadlines in;
// messages to relay, the round's sum, refusals and failure out. It never holds an input in the clear: only public
// keys, sealed shares it cannot open, masked vectors, and at the end the masks' seeds it needs to remove them.
import type { CoreCrypto } from '../web-crypto.js';
import { webCrypto } from '../web-crypto.js';
import { addMod32, expandMask, pairSeed, pairSign } from './masks.js';
import { dequantizeSum, sumErrorBound } from './quantize.js';
import { errorInfo, resolveSecAggConfig, type ResolvedSecAggConfig, type SecAggConfig, SecAggError, type SecAggErrorInfo } from './secagg-config.js';
import { x25519Agree, x25519FromSecret } from './secagg-crypto.js';
import { type PublicKeys, requireBytes, requireIdList, SHARE_CIPHERTEXT_BYTES, type SecAggClientMessage, type SecAggServerMessage } from './secagg-messages.js';
import { SerialMachine } from './serial-machine.js';
import { combineShares, type Share } from './shamir-gf256.js';

export type SecAggServerEvent =
  | SecAggClientMessage
  /** The transport lost this volunteer; it is not waited for any more. */
  | { type: 'dropped'; id: string }
  /** The current phase's time is up: close it with whoever answered (the host owns the clock). */
  | { type: 'deadline' };

export interface SecAggResult {
  /** Σ of the survivors' (clamped) inputs, decoded. */
  sum: Float64Array;
  /** Volunteers whose input is in the sum (U3). */
  survivors: string[];
  /** Volunteers that shared keys but sent no masked input; their masks were removed from their shares. */
  dropped: string[];
  /** Largest error of one element of `sum` from the fixed-point encoding. */
  errorBound: number;
}

export type SecAggServerAction =
  | { type: 'send'; to: string; message: SecAggServerMessage }
  | ({ type: 'result' } & SecAggResult)
  /** A message was refused; the round's state did not change. */
  | { type: 'rejected'; from: string; error: SecAggErrorInfo }
  | { type: 'failed'; error: SecAggErrorInfo };

export type SecAggServerPhase = 'advertise-keys' | 'share-keys' | 'masked-input' | 'unmasking' | 'done' | 'failed';

const MESSAGE_OF_PHASE: Record<string, SecAggClientMessage['type']> = {
  'advertise-keys': 'advertise-keys', 'share-keys': 'share-keys', 'masked-input': 'masked-input', unmasking: 'unmask',
};

interface UnmaskReply {
  selfMaskShares: Map<string, Uint8Array>;
  keyShares: Map<string, Uint8Array>;
}

export class SecAggServer extends SerialMachine<SecAggServerEvent, SecAggServerAction, SecAggServerPhase> {
  private readonly config: ResolvedSecAggConfig;
  private readonly crypto: CoreCrypto;
  private readonly alive: Set<string>;
  private expected: string[]; // who this phase waits for
  private keys = new Map<string, PublicKeys>();
  private roster: string[] = []; // U1 sorted: share point of a volunteer = its index + 1
  private sealedShares = new Map<string, Map<string, Uint8Array>>(); // from → to → ciphertext
  private maskingSet: string[] = []; // U2
  private maskedInputs = new Map<string, Uint32Array>();
  private survivors: string[] = []; // U3
  private replies = new Map<string, UnmaskReply>();

  constructor(options: { config: SecAggConfig; participants: readonly string[]; crypto?: CoreCrypto }) {
    super('advertise-keys');
    this.config = resolveSecAggConfig(options.config);
    this.crypto = options.crypto ?? webCrypto();
    const participants = requireIdList([...options.participants], 'the participants');
    if (participants.length > this.config.maxClients) throw new SecAggError('malformed', `${participants.length} participants exceed maxClients ${this.config.maxClients}`);
    if (participants.length < this.config.threshold) throw new SecAggError('below-threshold', `${participants.length} participants cannot reach t = ${this.config.threshold}`);
    this.expected = [...participants].sort();
    this.alive = new Set(participants);
  }

  private answered(): Set<string> {
    switch (this.phaseNow) {
      case 'advertise-keys': return new Set(this.keys.keys());
      case 'share-keys': return new Set(this.sealedShares.keys());
      case 'masked-input': return new Set(this.maskedInputs.keys());
      default: return new Set(this.replies.keys());
    }
  }

  protected async process(event: SecAggServerEvent): Promise<SecAggServerAction[]> {
    const over = this.phaseNow === 'done' || this.phaseNow === 'failed';
    if (event.type === 'dropped') {
      this.alive.delete(event.id);
      return over ? [] : this.maybeClose();
    }
    if (event.type === 'deadline') return over ? [] : this.closePhase();
    const from = event.from;
    const reject = (code: SecAggErrorInfo['code'], message: string): SecAggServerAction[] => [{ type: 'rejected', from, error: { code, message } }];
    if (over) return reject('round-over', `the secure-aggregation round is ${this.phaseNow}`);
    if (!this.expected.includes(from) || !this.alive.has(from)) return reject('unexpected', `${from} is not awaited in phase ${this.phaseNow}`);
    if (event.type !== MESSAGE_OF_PHASE[this.phaseNow]) return reject('unexpected', `"${event.type}" from ${from} arrived in phase ${this.phaseNow}, which takes "${MESSAGE_OF_PHASE[this.phaseNow]}"`);
    if (this.answered().has(from)) return reject('unexpected', `${from} already sent "${event.type}"`);
    try {
      this.accept(event);
    } catch (error) {
      const info = errorInfo(error);
      return reject(info.code, info.message);
    }
    return this.maybeClose();
  }

  /** Checks and stores one awaited message (throws SecAggError, leaving the state as it was). */
  private accept(message: SecAggClientMessage): void {
    switch (message.type) {
      case 'advertise-keys': {
        const encryptionKey = requireBytes(message.keys?.encryptionKey, 32, `encryption key of ${message.from}`);
        const maskingKey = requireBytes(message.keys?.maskingKey, 32, `masking key of ${message.from}`);
        const hex = (b: Uint8Array) => Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
        const known = new Set([...this.keys.values()].flatMap((k) => [hex(k.encryptionKey), hex(k.maskingKey)]));
        if (known.has(hex(encryptionKey)) || known.has(hex(maskingKey)) || hex(encryptionKey) === hex(maskingKey)) {
          throw new SecAggError('inconsistent', `a public key of ${message.from} repeats one already advertised`);
        }
        this.keys.set(message.from, { encryptionKey: Uint8Array.from(encryptionKey), maskingKey: Uint8Array.from(maskingKey) });
        return;
      }
      case 'share-keys': {
        if (!Array.isArray(message.shares)) throw new SecAggError('malformed', `shares of ${message.from} must be a list`);
        const recipients = requireIdList(message.shares.map((s) => s.to), `the shares of ${message.from}`);
        const others = this.roster.filter((id) => id !== message.from);
        if (recipients.length !== others.length || recipients.some((id) => !others.includes(id))) {
          throw new SecAggError('malformed', `${message.from} must send one share to each of the other ${others.length} volunteers of the key list`);
        }
        const box = new Map<string, Uint8Array>();
        for (const { to, ciphertext } of message.shares) box.set(to, Uint8Array.from(requireBytes(ciphertext, SHARE_CIPHERTEXT_BYTES, `the share from ${message.from} to ${to}`)));
        this.sealedShares.set(message.from, box);
        return;
      }
      case 'masked-input': {
        if (!(message.masked instanceof Uint32Array) || message.masked.length !== this.config.vectorLength) {
          throw new SecAggError('malformed', `the masked input of ${message.from} must be a Uint32Array of ${this.config.vectorLength} elements`);
        }
        this.maskedInputs.set(message.from, Uint32Array.from(message.masked));
        return;
      }
      case 'unmask': {
        const dropped = this.maskingSet.filter((id) => !this.survivors.includes(id));
        const reply: UnmaskReply = { selfMaskShares: this.shareList(message.selfMaskShares, this.survivors, `self-mask shares of ${message.from}`), keyShares: this.shareList(message.keyShares, dropped, `key shares of ${message.from}`) };
        this.replies.set(message.from, reply);
      }
    }
  }

  private shareList(list: { of: string; share: Uint8Array }[], owners: string[], what: string): Map<string, Uint8Array> {
    if (!Array.isArray(list)) throw new SecAggError('malformed', `${what} must be a list`);
    const ofs = requireIdList(list.map((s) => s.of), what);
    if (ofs.length !== owners.length || ofs.some((id) => !owners.includes(id))) throw new SecAggError('malformed', `${what} must cover exactly ${owners.join(', ') || 'nobody'}`);
    return new Map(list.map((s) => [s.of, Uint8Array.from(requireBytes(s.share, 32, `${what}: the share of ${s.of}`))]));
  }

  private fail(code: SecAggErrorInfo['code'], message: string): SecAggServerAction[] {
    this.phaseNow = 'failed';
    this.maskedInputs = new Map();
    return [{ type: 'failed', error: { code, message } }];
  }

  /** Closes the phase when everyone awaited has answered; fails it early when t can no longer be reached. */
  private async maybeClose(): Promise<SecAggServerAction[]> {
    const answered = this.answered();
    const pending = this.expected.filter((id) => this.alive.has(id) && !answered.has(id));
    if (pending.length === 0) return this.closePhase();
    if (answered.size + pending.length < this.config.threshold) return this.closePhase();
    return [];
  }

  private async closePhase(): Promise<SecAggServerAction[]> {
    const answered = [...this.answered()].sort();
    const t = this.config.threshold;
    if (answered.length < t) {
      const missing = this.expected.filter((id) => !answered.includes(id));
      const dropped = missing.filter((id) => !this.alive.has(id));
      const silent = missing.filter((id) => this.alive.has(id));
      return this.fail('below-threshold', `secure aggregation needs at least t = ${t} volunteers in phase ${this.phaseNow}; only ${answered.length} answered (dropped: ${dropped.join(', ') || 'none'}; not answered: ${silent.join(', ') || 'none'})`);
    }
    const to = (ids: string[], message: SecAggServerMessage): SecAggServerAction[] => ids.filter((id) => this.alive.has(id)).map((id) => ({ type: 'send', to: id, message }));
    switch (this.phaseNow) {
      case 'advertise-keys': {
        this.roster = answered;
        this.expected = answered;
        this.phaseNow = 'share-keys';
        return to(answered, { type: 'keys', keys: answered.map((id) => ({ id, ...this.keys.get(id)! })) });
      }
      case 'share-keys': {
        this.maskingSet = answered;
        this.expected = answered;
        this.phaseNow = 'masked-input';
        return answered.filter((id) => this.alive.has(id)).map((v) => ({
          type: 'send', to: v, message: { type: 'relayed-shares', shares: answered.filter((u) => u !== v).map((u) => ({ from: u, ciphertext: this.sealedShares.get(u)!.get(v)! })) },
        }));
      }
      case 'masked-input': {
        this.survivors = answered;
        this.expected = answered;
        this.phaseNow = 'unmasking';
        const dropped = this.maskingSet.filter((id) => !answered.includes(id));
        return to(answered, { type: 'unmask-request', survivors: answered, dropped });
      }
      default:
        return this.unmask(answered);
    }
  }

  private sharesOf(owner: string, responders: string[], kind: 'selfMaskShares' | 'keyShares'): Share[] {
    return responders.map((v) => ({ x: this.roster.indexOf(v) + 1, y: this.replies.get(v)![kind].get(owner)! }));
  }

  /** Σ y_v − Σ PRG(b_u) over the survivors − the dropped volunteers' pairwise masks, rebuilt from the shares. */
  private async unmask(responders: string[]): Promise<SecAggServerAction[]> {
    const { vectorLength, threshold, quantization, contextBytes } = this.config;
    const sum = new Uint32Array(vectorLength);
    for (const v of this.survivors) addMod32(sum, this.maskedInputs.get(v)!);
    const dropped = this.maskingSet.filter((id) => !this.survivors.includes(id));
    try {
      for (const u of dropped) {
        const pair = await x25519FromSecret(combineShares(this.sharesOf(u, responders, 'keyShares'), threshold), this.crypto);
        if (!pair.publicKey.every((b, i) => b === this.keys.get(u)!.maskingKey[i])) {
          throw new SecAggError('inconsistent', `the masking key rebuilt for dropped volunteer ${u} does not match the one it advertised`);
        }
        for (const v of this.survivors) {
          const secret = await x25519Agree(pair.privateKey, this.keys.get(v)!.maskingKey, this.crypto);
          addMod32(sum, expandMask(await pairSeed(secret, contextBytes, this.crypto), vectorLength, 'pair'), pairSign(v, u) === 1 ? -1 : 1);
        }
      }
      for (const u of this.survivors) {
        addMod32(sum, expandMask(combineShares(this.sharesOf(u, responders, 'selfMaskShares'), threshold), vectorLength, 'self'), -1);
      }
    } catch (error) {
      const info = errorInfo(error);
      return this.fail(info.code, `unmasking failed: ${info.message}`);
    }
    this.phaseNow = 'done';
    this.maskedInputs = new Map();
    return [{ type: 'result', sum: dequantizeSum(sum, quantization), survivors: [...this.survivors], dropped, errorBound: sumErrorBound(quantization, this.survivors.length) }];
  }
}
