// Requests over socket.io with an ack, a timeout, and the {ok, data | error} envelope unwrapped; a request the
// server turned away for its rate limit (it did nothing with it) is sent again after a growing pause.
import { type Ack, ProtocolError, unwrapAck } from '@splitlora/protocol';

/** The request could not complete because the connection dropped or the server took too long. */
export class ConnectionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

interface AckEmitter {
  connected: boolean;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/** How often a rate-limited request is sent again, and the pauses between (doubling up to the cap). */
export const RATE_LIMIT_RETRIES = 12;
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

export async function request<T>(socket: AckEmitter, event: string, payload: unknown, timeoutMs: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (!socket.connected) throw new ConnectionLostError(`not connected (${event})`);
    let response: Ack<T>;
    try {
      response = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
    } catch (error) {
      throw new ConnectionLostError(`${event}: no answer within ${timeoutMs} ms (${(error as Error).message})`);
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
