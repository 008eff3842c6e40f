// The admin socket (namespace /admin, token in the handshake) and a typed request helper over its acknowledged events.
import { io, type Socket } from 'socket.io-client';
import { ADMIN_NAMESPACE, type AckCallback, type AdminClientToServerEvents, type AdminServerToClientEvents } from '@splitlora/protocol';
import { ackPromise } from './ack-promise.js';

export type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

export type AdminRequest = keyof AdminClientToServerEvents;
export type RequestPayload<E extends AdminRequest> = Parameters<AdminClientToServerEvents[E]>[0];
export type ResponseData<E extends AdminRequest> =
  Parameters<AdminClientToServerEvents[E]>[1] extends AckCallback<infer T> ? T : never;

/** The message socket.io gives connect_error when the server's middleware refused the token. */
export const UNAUTHORIZED_MESSAGE = 'UNAUTHORIZED';

/** Long requests get more time: generation runs the model, downloads carry adapters. */
const TIMEOUT_MS: Partial<Record<AdminRequest, number>> = { generate: 180_000, 'adapter:download': 120_000, 'run:create': 60_000 };
const DEFAULT_TIMEOUT_MS = 15_000;

export function openAdminSocket(token: string): AdminSocket {
  return io(location.origin + ADMIN_NAMESPACE, { auth: { token }, transports: ['websocket'] });
}

/** Sends one request and resolves with the ack's data; rejects with a ProtocolError (code + message) or a timeout. */
export function request<E extends AdminRequest>(socket: AdminSocket, event: E, payload: RequestPayload<E>): Promise<ResponseData<E>> {
  // socket.io's typed emit cannot follow a generic event name to its listener, so emit through its untyped signature.
  const emit = socket.emit as unknown as (event: string, payload: unknown, ack: AckCallback<ResponseData<E>>) => void;
  return ackPromise<ResponseData<E>>(event, (ack) => emit.call(socket, event, payload, ack), TIMEOUT_MS[event] ?? DEFAULT_TIMEOUT_MS);
}
