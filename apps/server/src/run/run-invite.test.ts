// The run's invite token: none for an open run, made once and kept in the run folder (owner-only), a bad file replaced.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVITE_FILE, runInvite } from './run-invite.js';

describe('runInvite', () => {
  it('gives an open run no token and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invite-'));
    expect(await runInvite(dir, false)).toBeNull();
    expect(() => statSync(join(dir, INVITE_FILE))).toThrow();
  });

  it('makes a token once, saves it owner-only, and gives the same one again (a resumed run)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invite-'));
    const first = await runInvite(dir, true);
    expect(first).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(readFileSync(join(dir, INVITE_FILE), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, INVITE_FILE)).mode & 0o777).toBe(0o600);
    expect(await runInvite(dir, true)).toBe(first);
    expect(await runInvite(mkdtempSync(join(tmpdir(), 'invite-')), true)).not.toBe(first);
  });

  it('replaces a file that holds no valid token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'invite-'));
    writeFileSync(join(dir, INVITE_FILE), 'short\n');
    const token = await runInvite(dir, true);
    expect(token).not.toBe('short');
    expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
