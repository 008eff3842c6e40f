// The admin token comes from a file (made when missing), the environment, or the runs folder, and stays the same.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAdminToken } from './admin-token-source.js';

describe('admin token source', () => {
  it('keeps the token of the runs folder across restarts, in a file only its owner reads', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'token-'));
    const first = resolveAdminToken({ env: {}, runsDir });
    expect(first.origin).toContain('(new)');
    expect(first.token).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(join(runsDir, 'admin-token')).mode & 0o777).toBe(0o600);
    const again = resolveAdminToken({ env: {}, runsDir });
    expect(again.token).toBe(first.token);
    expect(again.origin).not.toContain('(new)');
  });

  it('prefers the token file, then the environment variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    const file = join(dir, 'secret');
    writeFileSync(file, 'from-the-file-123\n');
    expect(resolveAdminToken({ tokenFile: file, env: { SPLITLORA_ADMIN_TOKEN: 'from-the-env-456' }, runsDir: dir }).token).toBe('from-the-file-123');
    const env = resolveAdminToken({ env: { SPLITLORA_ADMIN_TOKEN: 'from-the-env-456' }, runsDir: dir });
    expect(env).toEqual({ token: 'from-the-env-456', origin: 'from $SPLITLORA_ADMIN_TOKEN', file: null });
    expect(readFileSync(file, 'utf8')).toBe('from-the-file-123\n');
  });

  it('refuses a short token or one with white space', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    expect(() => resolveAdminToken({ env: { SPLITLORA_ADMIN_TOKEN: 'short' }, runsDir: dir })).toThrow(/has 5 characters; use at least 8/);
    expect(() => resolveAdminToken({ env: { SPLITLORA_ADMIN_TOKEN: 'has a space in it' }, runsDir: dir })).toThrow(/white space/);
  });
});
