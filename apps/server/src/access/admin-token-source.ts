// Where the admin token comes from, so that it outlives a restart or a --resume (an open dashboard stays signed
// in): a token file (created with a random token, mode 0600, when missing), else $SPLITLORA_ADMIN_TOKEN, else the
// runs folder's admin-token file. Never from the command line, which other users of the machine can read.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AdminTokenSource {
  token: string;
  /** In words, for the start-up banner: "from $SPLITLORA_ADMIN_TOKEN", "in runs/admin-token (new)". */
  origin: string;
  /** The file holding it, when it comes from one. */
  file: string | null;
}

const MIN_LENGTH = 8;

function checked(token: string, where: string): string {
  const t = token.trim();
  if (t.length < MIN_LENGTH) throw new Error(`the admin token ${where} has ${t.length} characters; use at least ${MIN_LENGTH} (e.g. \`openssl rand -hex 16\`)`);
  if (/\s/.test(t)) throw new Error(`the admin token ${where} contains white space`);
  return t;
}

/** Reads the token in `file`, or writes a new random one there. */
export function tokenFromFile(file: string): AdminTokenSource {
  if (existsSync(file)) return { token: checked(readFileSync(file, 'utf8'), `in ${file}`), origin: `in ${file}`, file };
  mkdirSync(dirname(file), { recursive: true });
  const token = randomBytes(16).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, origin: `in ${file} (new)`, file };
}

export function resolveAdminToken(options: { tokenFile?: string; env: NodeJS.ProcessEnv; runsDir: string }): AdminTokenSource {
  if (options.tokenFile !== undefined) return tokenFromFile(options.tokenFile);
  const fromEnv = options.env['SPLITLORA_ADMIN_TOKEN'];
  if (fromEnv !== undefined && fromEnv !== '') return { token: checked(fromEnv, 'in $SPLITLORA_ADMIN_TOKEN'), origin: 'from $SPLITLORA_ADMIN_TOKEN', file: null };
  return tokenFromFile(join(options.runsDir, 'admin-token'));
}
