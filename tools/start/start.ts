// `pnpm start`: answers --help at once, builds the web apps whose sources changed, then runs the server's CLI.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_HELP } from '../../apps/server/src/cli-help.js';
import { buildChangedWebApps } from './build-web.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2).filter((a) => a !== '--');

if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(SERVER_HELP);
} else {
  // Commands that serve no page need no build.
  if (!args.includes('--download-model')) {
    try {
      buildChangedWebApps(root, (line) => process.stderr.write(`${line}\n`));
    } catch (error) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  await import('../../apps/server/src/cli.js');
}
