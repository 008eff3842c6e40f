// Requests over socket.io with an ack, a timeout, and the {ok, data | error} envelope unwrapped.
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

export async function request<T>(socket: AckEmitter, event: string, payload: unknown, timeoutMs: number): Promise<T> {
  if (!socket.connected) throw new ConnectionLostError(`not connected (${event})`);
  let response: Ack<T>;
  try {
    response = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
  } catch (error) {
    throw new ConnectionLostError(`${event}: no answer within ${timeoutMs} ms (${(error as Error).message})`);
  }
  return unwrapAck(response);
}

export function isProtocolError(error: unknown, ...codes: string[]): error is ProtocolError {
  return error instanceof ProtocolError && (codes.length === 0 || codes.includes(error.code));
}
