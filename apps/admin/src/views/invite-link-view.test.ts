// The run card's invite link: the volunteer page's address with the token (the block itself is checked in e2e).
import { describe, expect, it } from 'vitest';
import { inviteLink } from './invite-link-view.js';

describe('inviteLink', () => {
  it('builds the link from the dashboard origin and escapes the token', () => {
    expect(inviteLink('https://lab.example:8443', 'abc-DEF_123')).toBe('https://lab.example:8443/?invite=abc-DEF_123');
    expect(inviteLink('https://x', 'a b')).toBe('https://x/?invite=a%20b');
  });
});
