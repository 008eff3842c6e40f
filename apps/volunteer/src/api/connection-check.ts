// Why the server refused this tab's connection when the WebSocket upgrade failed without a readable answer: the
// per-address connection limit refuses at the HTTP upgrade, so the worker asks GET /api/connection-check.
import { type ConnectionRefusal, connectionRefusal } from '@splitlora/protocol';
import { fail, record } from '../protocol/shape-checks.js';

/** The refusal in GET /api/connection-check's answer, or null when the server would accept a connection now. */
export function readConnectionCheck(value: unknown): ConnectionRefusal | null {
  const where = 'GET /api/connection-check';
  const body = record(value, where);
  if (body['refusal'] === null) return null;
  const refusal = connectionRefusal({ data: body['refusal'] });
  return refusal ?? fail(`${where}.refusal`, 'null or a refusal { code, message } with a known code', body['refusal']);
}

/** Asks the server; null when it would accept a connection now (or cannot be reached: then socket.io keeps retrying). */
export async function fetchConnectionRefusal(origin: string): Promise<ConnectionRefusal | null> {
  const response = await fetch(new URL('/api/connection-check', origin), { cache: 'no-store' });
  if (!response.ok) return null; // an older server without the route
  return readConnectionCheck(await response.json());
}
