// Where the admin token lives between page loads: sessionStorage (this tab only), prefilled from a ?token= link.

const KEY = 'splitlora.admin.token';

export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function readToken(storage: TokenStorage): string | null {
  const token = storage.getItem(KEY);
  return token !== null && token.trim() !== '' ? token : null;
}

export function saveToken(storage: TokenStorage, token: string): void {
  storage.setItem(KEY, token);
}

export function forgetToken(storage: TokenStorage): void {
  storage.removeItem(KEY);
}

/** The token of a `?token=…` link, or null. */
export function tokenFromQuery(search: string): string | null {
  const token = new URLSearchParams(search).get('token');
  return token !== null && token.trim() !== '' ? token.trim() : null;
}

/** The same query without its token, so the secret does not stay in the address bar or the history. */
export function queryWithoutToken(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('token');
  const rest = params.toString();
  return rest === '' ? '' : `?${rest}`;
}
