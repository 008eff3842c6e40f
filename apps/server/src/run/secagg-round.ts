// One round's secure aggregation on the server: hosts the core's SecAggServer (a pure state machine), turns the
// volunteers' secagg:* requests into its events, pushes its messages to the volunteers, refuses a sender's bad
// message with a protocol code, and gives the round closer the decoded sum. It never holds an update in the clear.
import { type MaskedSum, type SecAggClientMessage, type SecAggErrorInfo, SecAggServer, type SecAggServerAction, type SecAggServerMessage } from '@splitlora/core';
import { type ErrorCode, packBytes, ProtocolError, SECAGG_CIPHERTEXT_BYTES, SECAGG_KEY_BYTES, type SecAggRoundConfig, type ServerToClientEvents } from '@splitlora/protocol';
import type { Logger } from '../log.js';

/** A secure-aggregation message for one volunteer, as the socket layer emits it. */
export type SecAggPush = {
  [E in 'secagg:keys' | 'secagg:relayed-shares' | 'secagg:unmask-request' | 'secagg:abort']: { event: E; message: Parameters<ServerToClientEvents[E]>[0] }
}['secagg:keys' | 'secagg:relayed-shares' | 'secagg:unmask-request' | 'secagg:abort'];

export interface SecAggRoundDeps {
  runId: string;
  round: number;
  participants: readonly string[];
  settings: SecAggRoundConfig;
  send: (clientId: string, push: SecAggPush) => void;
  log: Logger;
}

/** The protocol's code for a refused secure-aggregation message (docs/PRIVACY.md, Plugging in). */
function protocolCode(error: SecAggErrorInfo, inRound: boolean): ErrorCode {
  if (error.code === 'malformed') return /masked input/.test(error.message) ? 'SHAPE_MISMATCH' : 'BAD_REQUEST';
  if (error.code === 'unexpected') return inRound ? 'STALE' : 'NOT_SELECTED';
  return error.code === 'round-over' ? 'STALE' : 'BAD_REQUEST';
}

export class SecAggRound {
  readonly settings: SecAggRoundConfig;
  private readonly machine: SecAggServer;
  /** The last message pushed to each volunteer: sent again when it reconnects within the round. */
  private readonly lastPush = new Map<string, SecAggPush>();
  private readonly maskedFrom = new Set<string>();
  private readonly outcome: Promise<MaskedSum>;
  private settle!: { resolve: (sum: MaskedSum) => void; reject: (error: Error) => void };
  private finished = false;

  constructor(private readonly deps: SecAggRoundDeps) {
    this.settings = deps.settings;
    this.machine = new SecAggServer({ config: deps.settings, participants: deps.participants });
    this.outcome = new Promise<MaskedSum>((resolve, reject) => (this.settle = { resolve, reject }));
    this.outcome.catch(() => undefined); // awaited by the round closer; a failure before then is not unhandled
  }

  get phase(): string {
    return this.machine.phase;
  }

  /** Whether this volunteer's masked update is in (it then counts as a reporter of the round). */
  hasMaskedInput(clientId: string): boolean {
    return this.maskedFrom.has(clientId);
  }

  /** A volunteer's message; throws a ProtocolError when the machine refused it (nothing changed then). */
  async receive(message: SecAggClientMessage): Promise<void> {
    const actions = await this.machine.handle(message);
    this.carryOut(actions);
    const refused = actions.find((a): a is Extract<SecAggServerAction, { type: 'rejected' }> => a.type === 'rejected' && a.from === message.from);
    if (refused !== undefined) throw new ProtocolError(protocolCode(refused.error, this.deps.participants.includes(message.from)), `secure aggregation: ${refused.error.message}`);
    if (message.type === 'masked-input') this.maskedFrom.add(message.from);
  }

  /** The volunteer is gone for this round: it is not waited for any more (its masks are rebuilt from the others). */
  async dropped(clientId: string): Promise<void> {
    if (!this.deps.participants.includes(clientId) || this.finished) return;
    this.carryOut(await this.machine.handle({ type: 'dropped', id: clientId }));
  }

  /** Sends a reconnected volunteer the last message it was sent (it may have missed it). */
  resend(clientId: string): void {
    const push = this.lastPush.get(clientId);
    if (push !== undefined && !this.finished) this.deps.send(clientId, push);
  }

  /** The round's sum, once unmasking is done; after `timeoutMs` per phase, the phase closes with who answered. */
  async sum(timeoutMs: number): Promise<MaskedSum> {
    for (;;) {
      const phase = this.machine.phase;
      const timer = new Promise<'deadline'>((resolve) => setTimeout(() => resolve('deadline'), timeoutMs).unref?.());
      const first = await Promise.race([this.outcome, timer]);
      if (first !== 'deadline') return first;
      if (this.machine.phase === phase) {
        this.deps.log.warn(`secure aggregation of round ${this.deps.round}: phase ${phase} timed out after ${timeoutMs} ms; closing it with who answered`);
        this.carryOut(await this.machine.handle({ type: 'deadline' }));
      }
    }
  }

  /** Ends the round's secure aggregation (an aborted round): pending waits fail. */
  close(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.settle.reject(new Error(reason));
  }

  private carryOut(actions: SecAggServerAction[]): void {
    const { runId, round } = this.deps;
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.push(action.to, toPush(runId, round, action.message));
          break;
        case 'result':
          this.finished = true;
          this.settle.resolve({ sum: action.sum, survivors: action.survivors, dropped: action.dropped, errorBound: action.errorBound });
          break;
        case 'failed':
          this.deps.log.warn(`secure aggregation of round ${round} failed: ${action.error.message}`);
          for (const id of this.deps.participants) this.push(id, { event: 'secagg:abort', message: { runId, round, code: action.error.code, message: action.error.message } });
          this.finished = true;
          this.settle.reject(new Error(`secure aggregation failed (${action.error.code}): ${action.error.message}`));
          break;
        case 'rejected':
          this.deps.log.warn(`secure aggregation of round ${round} refused a message of ${action.from}: ${action.error.message}`);
          break;
      }
    }
  }

  private push(clientId: string, push: SecAggPush): void {
    this.lastPush.set(clientId, push);
    this.deps.send(clientId, push);
  }
}

function toPush(runId: string, round: number, message: SecAggServerMessage): SecAggPush {
  switch (message.type) {
    case 'keys': return {
      event: 'secagg:keys',
      message: { runId, round, ids: message.keys.map((k) => k.id), keys: packBytes(message.keys.flatMap((k) => [k.encryptionKey, k.maskingKey]), SECAGG_KEY_BYTES) },
    };
    case 'relayed-shares': return {
      event: 'secagg:relayed-shares',
      message: { runId, round, from: message.shares.map((x) => x.from), ciphertexts: packBytes(message.shares.map((x) => x.ciphertext), SECAGG_CIPHERTEXT_BYTES) },
    };
    case 'unmask-request': return { event: 'secagg:unmask-request', message: { runId, round, survivors: message.survivors, dropped: message.dropped } };
  }
}
