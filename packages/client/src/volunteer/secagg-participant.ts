// A volunteer's part in one round's secure aggregation: hosts the core's SecAggClient (a pure state machine), feeds
// it the server's secagg:* pushes and its own update, and sends its actions as requests. Keys are agreed while the
// volunteer trains; its update leaves only masked (the round loop sends it with the round's report).
import { type SecAggClientAction, SecAggClient, type SecAggClientEvent, type SecAggClientMessage } from '@splitlora/core';
import { ConnectionLostError, packBytes, request, SECAGG_CIPHERTEXT_BYTES, SECAGG_KEY_BYTES, type SecAggRoundConfig } from '@splitlora/protocol';
import type { VolunteerSocket } from '../socket-types.js';
import type { VolunteerEvent } from '../volunteer-events.js';

export interface SecAggParticipantOptions {
  socket: VolunteerSocket;
  clientId: string;
  runId: string;
  round: number;
  settings: SecAggRoundConfig;
  timeoutMs: number;
  emit: (event: VolunteerEvent) => void;
}

/** The masked update as little-endian bytes (the wire's order on every platform). */
export function maskedBytes(masked: Uint32Array): Uint8Array {
  const out = new Uint8Array(masked.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < masked.length; i++) view.setUint32(i * 4, masked[i]!, true);
  return out;
}

function packShares(list: readonly { of: string; share: Uint8Array }[]): { ids: string[]; packed: Uint8Array } {
  return { ids: list.map((x) => x.of), packed: packBytes(list.map((x) => x.share), SECAGG_KEY_BYTES) };
}

export class SecAggParticipant {
  private readonly client: SecAggClient;
  private masked: { resolve: (m: Uint32Array) => void; reject: (e: Error) => void } | null = null;
  /** The masked update, once asked for (a round resumed after a reconnect asks again: the same answer). */
  private submitted: Promise<Uint32Array> | null = null;
  private failure: Error | null = null;

  constructor(private readonly options: SecAggParticipantOptions) {
    this.client = new SecAggClient({ id: options.clientId, config: options.settings });
  }

  get context(): string {
    return this.options.settings.context;
  }

  /** Whether a push of the server belongs to this round. */
  owns(message: { runId: string; round: number }): boolean {
    return message.runId === this.options.runId && message.round === this.options.round;
  }

  /** Advertises this volunteer's keys (at round start, while it trains). */
  start(): Promise<void> {
    return this.feed({ type: 'start' });
  }

  /** A message of the server for this round. */
  receive(event: Exclude<SecAggClientEvent, { type: 'start' | 'input' }>): Promise<void> {
    return this.feed(event);
  }

  /** The round's aborted by the server. */
  abort(message: string): void {
    this.failed(new Error(`secure aggregation of round ${this.options.round} was aborted: ${message}`));
  }

  /** Gives the update (clipped, in flat-layout order); resolves with it masked, once the shares have arrived. */
  submit(update: ArrayLike<number>): Promise<Uint32Array> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.submitted !== null) return this.submitted;
    this.submitted = new Promise<Uint32Array>((resolve, reject) => (this.masked = { resolve, reject }));
    void this.feed({ type: 'input', vector: update });
    return this.submitted;
  }

  /** Elements of the update clamped to the encoding's range (0 when clipped to it). */
  get clamped(): number {
    return this.client.clamped;
  }

  private async feed(event: SecAggClientEvent): Promise<void> {
    let actions: SecAggClientAction[];
    try {
      actions = await this.client.handle(event);
    } catch (error) {
      this.failed(error as Error);
      return;
    }
    for (const action of actions) {
      if (action.type === 'send') await this.send(action.message);
      else if (action.type === 'failed') this.failed(new Error(`secure aggregation failed (${action.error.code}): ${action.error.message}`));
      else if (action.type === 'rejected') this.options.emit({ type: 'error', message: `secure aggregation refused a message of the server: ${action.error.message}`, fatal: false });
      else this.options.emit({ type: 'secagg', round: this.options.round, phase: 'done', message: 'secure aggregation of this round is done' });
    }
  }

  private async send(message: SecAggClientMessage): Promise<void> {
    const { socket, runId, round, timeoutMs } = this.options;
    const stamp = { runId, round, step: 0 };
    try {
      switch (message.type) {
        case 'advertise-keys':
          await request(socket, 'secagg:advertise-keys', { stamp, encryptionKey: message.keys.encryptionKey, maskingKey: message.keys.maskingKey }, timeoutMs);
          this.options.emit({ type: 'secagg', round, phase: 'keys', message: 'secure aggregation: keys advertised' });
          break;
        case 'share-keys':
          await request(socket, 'secagg:share-keys', {
            stamp, shares: { ids: message.shares.map((x) => x.to), packed: packBytes(message.shares.map((x) => x.ciphertext), SECAGG_CIPHERTEXT_BYTES) },
          }, timeoutMs);
          break;
        case 'masked-input':
          this.options.emit({ type: 'secagg', round, phase: 'masked', message: `secure aggregation: update masked (${this.client.clamped} elements clamped)` });
          this.masked?.resolve(message.masked);
          this.masked = null;
          break;
        case 'unmask':
          await request(socket, 'secagg:unmask', { stamp, selfMaskShares: packShares(message.selfMaskShares), keyShares: packShares(message.keyShares) }, timeoutMs);
          break;
      }
    } catch (error) {
      if (error instanceof ConnectionLostError) return; // the server resends its last message when the volunteer is back
      this.failed(error as Error);
    }
  }

  private failed(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.options.emit({ type: 'secagg', round: this.options.round, phase: 'failed', message: error.message });
    this.masked?.reject(error);
    this.masked = null;
  }
}
