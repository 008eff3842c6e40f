// One signed-in connection: opens the admin socket with the token, loads a snapshot after every (re)connect,
// and tells the page when the token is refused or the server cannot be reached.
import { connectionRefusal, ERROR_CODES, ProtocolError, type AdminSnapshot, request } from '@splitlora/protocol';
import { errorText, openAdminSocket, timeoutFor, UNAUTHORIZED_MESSAGE, type AdminSocket } from './connection.js';
import type { ConnectionTone } from './views/app-shell.js';

export interface SessionHandlers {
  /** After the first connect and after every reconnect (events may have been missed in between). */
  onSnapshot(snapshot: AdminSnapshot, socket: AdminSocket): void;
  /** The server refused the token; the session is closed. */
  onRefused(message: string): void;
  onStatus(tone: ConnectionTone, text: string): void;
}

export interface Session {
  socket: AdminSocket;
  close(): void;
}

const SERVER_DISCONNECT_RETRY_MS = 2000;

export const REFUSED_TEXT = 'The server refused this admin token. Check the token the server printed at start-up and try again.';

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ProtocolError && error.code === ERROR_CODES.UNAUTHORIZED;
}

export function openSession(token: string, handlers: SessionHandlers): Session {
  const socket = openAdminSocket(token);
  let closed = false;
  const close = (): void => {
    closed = true;
    socket.removeAllListeners();
    socket.disconnect();
  };

  socket.on('connect', () => {
    handlers.onStatus('connecting', 'Loading…');
    request(socket, 'admin:snapshot', {}, timeoutFor('admin:snapshot')).then(
      (snapshot) => {
        if (closed) return;
        handlers.onStatus('online', 'Live');
        handlers.onSnapshot(snapshot, socket);
      },
      (error: unknown) => {
        if (closed) return;
        if (isUnauthorized(error)) {
          close();
          handlers.onRefused(REFUSED_TEXT);
        } else {
          handlers.onStatus('offline', `Could not load the dashboard: ${errorText(error)}`);
        }
      },
    );
  });

  socket.on('connect_error', (error) => {
    if (closed) return;
    const refused = connectionRefusal(error);
    if (error.message === UNAUTHORIZED_MESSAGE) {
      close();
      handlers.onRefused(REFUSED_TEXT);
    } else if (refused !== null) {
      // Too many wrong tokens, or a page the server does not serve: socket.io will not retry these.
      close();
      handlers.onRefused(refused.message);
    } else {
      handlers.onStatus('offline', `Cannot reach the server (${error.message}); retrying…`);
    }
  });

  socket.on('disconnect', (reason) => {
    if (closed || reason === 'io client disconnect') return;
    handlers.onStatus('offline', 'Connection lost; reconnecting…');
    // The server closed this socket itself, so socket.io will not retry on its own; a refused token surfaces as connect_error.
    if (reason === 'io server disconnect') setTimeout(() => { if (!closed) socket.connect(); }, SERVER_DISCONNECT_RETRY_MS);
  });

  return { socket, close };
}
