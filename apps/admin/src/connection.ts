// The admin socket (namespace /admin, token in the handshake), how long each request may take, and the text of a
// failed request; requests themselves go through the protocol's typed `request`.
import { io, type Socket } from 'socket.io-client';
import { ADMIN_NAMESPACE, type AdminClientToServerEvents, type AdminServerToClientEvents } from '@splitlora/protocol';

export type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

/** The message socket.io gives connect_error when the server's middleware refused the token. */
export const UNAUTHORIZED_MESSAGE = 'UNAUTHORIZED';

/** Long requests get more time: generation runs the model, downloads carry adapters. */
const TIMEOUT_MS: Partial<Record<keyof AdminClientToServerEvents, number>> = { generate: 180_000, 'adapter:download': 120_000, 'run:create': 60_000 };
const DEFAULT_TIMEOUT_MS = 15_000;

export function timeoutFor(event: keyof AdminClientToServerEvents): number {
  return TIMEOUT_MS[event] ?? DEFAULT_TIMEOUT_MS;
}

export function openAdminSocket(token: string): AdminSocket {
  return io(location.origin + ADMIN_NAMESPACE, { auth: { token }, transports: ['websocket'] });
}

/** A message for the user from anything a request rejected with. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
