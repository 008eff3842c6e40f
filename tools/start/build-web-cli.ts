// `pnpm build:web`: builds both web apps (all of them, or with --changed only those whose sources changed).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChangedWebApps } from './build-web.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
try {
  buildChangedWebApps(root, (line) => process.stderr.write(`${line}\n`), { always: !process.argv.includes('--changed') });
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
