// The one client-side request over the event table: emit with an ack and a timeout, unwrap the {ok, data | error}
// envelope, and send again (after a growing pause) a request the server turned away for its rate limit — it did
// nothing with it. Used by the volunteer client, the dashboard, the fleet, the test harness, bench and e2e.
import type { Socket } from 'socket.io-client';
import { type AckCallback, ProtocolError, unwrapAck, type Ack } from './error-codes.js';

/** The request could not complete: the socket is not connected, or no answer came in time. */
export class ConnectionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

/** No answer came within the request's time (the connection may still be alive: a busy server). */
export class RequestTimeoutError extends ConnectionLostError {
  constructor(readonly event: string, readonly timeoutMs: number) {
    super(`no answer to ${event} within ${Math.round(timeoutMs / 1000)} s; is the server still reachable?`);
    this.name = 'RequestTimeoutError';
  }
}

/** What sending a request needs of a socket, whatever its events: its state and an acknowledged emit with a timeout. */
export interface AckEmitter {
  readonly connected: boolean;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/** How often a rate-limited request is sent again, and the pauses between (doubling up to the cap). */
export const RATE_LIMIT_RETRIES = 12;
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

/** The payload and the reply of one event of a socket.io emit map built from the event table (AckEvents). */
export type PayloadOf<F> = F extends (payload: infer P, ack: never) => void ? P : never;
export type ReplyOf<F> = F extends (payload: never, ack: AckCallback<infer R>) => void ? R : never;

/**
 * Sends `event` with `payload` and resolves with the server's reply data; the event, its payload and its reply are
 * typed by the socket's emit map (ClientToServerEvents or AdminClientToServerEvents, from the event table).
 * Rejects with ProtocolError (the server's code and message) or ConnectionLostError (RequestTimeoutError: no answer).
 */
export function request<L extends Record<string, unknown>, Ev extends Record<string, unknown>, E extends keyof Ev & string>(
  socket: AckEmitter & Socket<L, Ev>, event: E, payload: PayloadOf<Ev[E]>, timeoutMs: number,
): Promise<ReplyOf<Ev[E]>> {
  return requestOver(socket, event, payload, timeoutMs) as Promise<ReplyOf<Ev[E]>>;
}

/** `request` without the event table's types: what the tests of retries and timeouts drive with scripted sockets. */
export async function requestOver(socket: AckEmitter, event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    if (!socket.connected) throw new ConnectionLostError(`not connected (${event})`);
    let response: Ack<unknown>;
    try {
      response = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<unknown>;
    } catch {
      throw new RequestTimeoutError(event, timeoutMs);
    }
    try {
      return unwrapAck(response);
    } catch (error) {
      if (!isProtocolError(error, 'RATE_LIMITED') || attempt >= RATE_LIMIT_RETRIES) throw error;
      await new Promise<void>((resolve) => setTimeout(() => resolve(), Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt)));
    }
  }
}

export function isProtocolError(error: unknown, ...codes: string[]): error is ProtocolError {
  return error instanceof ProtocolError && (codes.length === 0 || codes.includes(error.code));
}
