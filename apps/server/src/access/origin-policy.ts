// Which web pages may open a socket: with an allow-list, exactly its origins; without one, the server's own origin
// (the Origin's host equals the Host the request came to). Clients that send no Origin (Node fleets, curl) pass.

export interface OriginPolicy {
  /** Exact origins (scheme://host[:port]); empty: the server's own origin only. */
  allowed: readonly string[];
}

/** `https://Lora.Example.org/` → `https://lora.example.org`; throws on what is not an http(s) origin. */
export function normalizeOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`"${text}" is not an origin; expected scheme://host[:port], e.g. https://lora.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${text}" is not an http(s) origin`);
  return url.origin;
}

export function parseAllowedOrigins(list: string | undefined): string[] {
  if (list === undefined || list.trim() === '') return [];
  return list.split(',').filter((s) => s.trim() !== '').map(normalizeOrigin);
}

/** Null when `origin` may connect to a server reached as `host`; otherwise why not, in words for the page. */
export function originRefusal(policy: OriginPolicy, origin: string | undefined, host: string | undefined): string | null {
  if (origin === undefined || origin === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `the page's origin "${origin}" is not a valid origin`;
  }
  if (policy.allowed.length === 0 ? host !== undefined && parsed.host.toLowerCase() === host.toLowerCase() : policy.allowed.includes(parsed.origin)) return null;
  const allowed = policy.allowed.length > 0 ? ` (allowed: ${policy.allowed.join(', ')})` : '';
  return `Pages at ${parsed.origin} may not connect to this server${allowed}; open the volunteer page from the address the organiser gave you, or ask them to add it with --allowed-origins`;
}
