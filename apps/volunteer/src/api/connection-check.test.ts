// Unit tests of the page's reading of GET /api/connection-check: the refusal it shows, or none.
import { describe, expect, it } from 'vitest';
import { readConnectionCheck } from './connection-check.js';

describe('readConnectionCheck', () => {
  it('reads a refusal for too many connections, and no refusal', () => {
    const refusal = { code: 'TOO_MANY_CONNECTIONS', message: 'The server refused this tab’s connection: 2 connections from your address are open already.' };
    expect(readConnectionCheck({ refusal })).toEqual(refusal);
    expect(readConnectionCheck({ refusal: null })).toBeNull();
  });

  it('refuses an answer it cannot show', () => {
    expect(() => readConnectionCheck({ refusal: { code: 'SOMETHING_ELSE', message: 'x' } })).toThrow('GET /api/connection-check.refusal: expected null or a refusal');
    expect(() => readConnectionCheck({ refusal: { code: 'TOO_MANY_CONNECTIONS' } })).toThrow('GET /api/connection-check.refusal');
    expect(() => readConnectionCheck('<html>')).toThrow('GET /api/connection-check');
  });
});
