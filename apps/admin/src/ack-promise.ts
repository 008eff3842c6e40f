// Turns one acknowledged socket.io request into a promise: the ack's data, its error as a ProtocolError, or a timeout.
import { unwrapAck, type Ack, type AckCallback } from '@splitlora/protocol';

export class RequestTimeoutError extends Error {
  constructor(readonly event: string, readonly timeoutMs: number) {
    super(`no answer to ${event} within ${Math.round(timeoutMs / 1000)} s; is the server still reachable?`);
    this.name = 'RequestTimeoutError';
  }
}

/** Calls `send` with an ack callback; settles once, on the first ack or when `timeoutMs` passes. */
export function ackPromise<T>(event: string, send: (ack: AckCallback<T>) => void, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new RequestTimeoutError(event, timeoutMs));
    }, timeoutMs);
    send((response: Ack<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        resolve(unwrapAck(response));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A message for the user from anything a request rejected with. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
