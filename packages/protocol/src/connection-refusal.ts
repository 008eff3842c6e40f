// Why the server refused a socket.io connection (its namespace middleware's error `data`): the code tells a client
// whether trying again can help, the message is a sentence for the person at the page.

export const REFUSAL_CODES = {
  /** The page's origin is not the server's own and not on its allow-list (--allowed-origins). */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** The server takes volunteers by invitation and the connection carried no (or a wrong) invite token. */
  INVITE_REQUIRED: 'INVITE_REQUIRED',
  /** Admin connection with a wrong or missing token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Too many wrong admin tokens from this address: refused for a while without checking. */
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  /**
   * The address already holds the server's limit of open connections (--max-connections-per-ip). Refused at the
   * WebSocket upgrade, which a browser cannot read: pages learn it from GET /api/connection-check.
   */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
} as const;

export type RefusalCode = (typeof REFUSAL_CODES)[keyof typeof REFUSAL_CODES];

export interface ConnectionRefusal {
  code: RefusalCode;
  message: string;
}

/** GET /api/connection-check's answer: why the server would refuse a connection from the asking address now, if it would. */
export interface ConnectionCheck {
  refusal: ConnectionRefusal | null;
}

/** The refusal a connect_error carries, or null for a network error (which socket.io retries by itself). */
export function connectionRefusal(error: unknown): ConnectionRefusal | null {
  const data = (error as { data?: unknown } | null)?.data as { code?: unknown; message?: unknown } | undefined;
  if (typeof data !== 'object' || data === null) return null;
  const codes: readonly string[] = Object.values(REFUSAL_CODES);
  if (typeof data.code !== 'string' || !codes.includes(data.code) || typeof data.message !== 'string') return null;
  return { code: data.code as RefusalCode, message: data.message };
}
