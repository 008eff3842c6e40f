// The admin token is kept in (session) storage and read from, then removed from, a ?token= link.
import { describe, expect, it } from 'vitest';
import { forgetToken, queryWithoutToken, readToken, saveToken, tokenFromQuery, type TokenStorage } from './token-store.js';

function memoryStorage(): TokenStorage {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('token store', () => {
  it('saves, reads and forgets the token', () => {
    const storage = memoryStorage();
    expect(readToken(storage)).toBeNull();
    saveToken(storage, 's3cret');
    expect(readToken(storage)).toBe('s3cret');
    forgetToken(storage);
    expect(readToken(storage)).toBeNull();
  });

  it('reads the token of a link and strips it from the query', () => {
    expect(tokenFromQuery('?token=abc&x=1')).toBe('abc');
    expect(tokenFromQuery('?token=')).toBeNull();
    expect(tokenFromQuery('')).toBeNull();
    expect(queryWithoutToken('?token=abc&x=1')).toBe('?x=1');
    expect(queryWithoutToken('?token=abc')).toBe('');
  });
});
