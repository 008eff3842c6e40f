// Which origins may open a socket: the server's own, the allow-list, and clients that send none.
import { describe, expect, it } from 'vitest';
import { normalizeOrigin, originRefusal, parseAllowedOrigins } from './origin-policy.js';

describe('origin policy', () => {
  const policy = { allowed: ['https://lora.example.org'] };

  it('lets the server’s own origin (no list), a listed origin and origin-less clients through', () => {
    expect(originRefusal({ allowed: [] }, 'https://10.0.0.5:8443', '10.0.0.5:8443')).toBeNull();
    expect(originRefusal(policy, 'https://lora.example.org', 'internal:8080')).toBeNull();
    expect(originRefusal(policy, undefined, 'internal:8080')).toBeNull();
  });

  it('with a list, refuses even the address the request came to when it is not listed', () => {
    expect(originRefusal(policy, 'https://10.0.0.5:8443', '10.0.0.5:8443')).toContain('Pages at https://10.0.0.5:8443 may not connect');
  });

  it('refuses another page with a sentence naming it and the allow-list', () => {
    const why = originRefusal(policy, 'https://evil.example', 'lora.example.org');
    expect(why).toContain('Pages at https://evil.example may not connect');
    expect(why).toContain('allowed: https://lora.example.org');
    expect(originRefusal({ allowed: [] }, 'http://127.0.0.1:9', 'localhost:9')).toContain('--allowed-origins');
  });

  it('normalizes the list and refuses what is not an http(s) origin', () => {
    expect(parseAllowedOrigins('https://Lora.Example.org/, http://a.b:81')).toEqual(['https://lora.example.org', 'http://a.b:81']);
    expect(parseAllowedOrigins(undefined)).toEqual([]);
    expect(() => normalizeOrigin('lora.example.org')).toThrow(/not an origin/);
    expect(() => normalizeOrigin('ftp://x')).toThrow(/not an http\(s\) origin/);
  });
});
