// `pnpm start -- --help` answers from the help module alone: no web build, no server, every option listed.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runChild } from '../run-child.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

it('prints the options without building the web pages or loading the server', async () => {
  const result = await runChild(process.execPath, ['--import', 'tsx', join(root, 'tools/start/start.ts'), '--', '--help'], { cwd: root, timeoutMs: 60_000 });
  expect(result.status).toBe(0);
  expect(result.stderr).toBe('');
  for (const option of ['--tls-cert', '--tls-key', '--allowed-origins', '--invite-token', '--admin-token-file', '--print-admin-url', '--max-connections-per-ip', '--backend']) {
    expect(result.stdout).toContain(option);
  }
  // Lines fit a terminal, so nothing is cut mid-word.
  for (const line of result.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(116);
});
