// A run's invite token (config.inviteOnly): made once when the run is created, kept in its folder (owner-only file)
// so a resumed run takes the same invite links, and compared in constant time by the access guard.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const INVITE_FILE = 'invite-token';

/** The run's invite token from its folder, made (and saved) when the run has none yet; null for an open run. */
export async function runInvite(dir: string, inviteOnly: boolean): Promise<string | null> {
  if (!inviteOnly) return null;
  const path = join(dir, INVITE_FILE);
  if (existsSync(path)) {
    const saved = (await readFile(path, 'utf8')).trim();
    if (/^[A-Za-z0-9_-]{16,200}$/.test(saved)) return saved;
  }
  const token = randomBytes(12).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}
