// The per-address connection limit as a volunteer meets it: the server refuses the tab's WebSocket at the upgrade
// (which a browser cannot read), and the page says what happened and what to do instead of a generic WebSocket
// error; once a connection closes, reloading the page connects.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AdminClient } from './support/admin-client.js';
import { writeDevsetShard } from './support/data-files.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess(['--max-connections-per-ip', '1']);
});
test.afterAll(async () => server?.stop());

test('a tab over the per-address connection limit says why and what to do, and connects after a reload', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  // The dashboard's connection from this machine holds the one connection the address may have.
  const admin = await AdminClient.connect(server.url, server.adminToken);
  await admin.createRun({ name: 'Connection limit e2e', model: 'tiny', cut: 2, batchSize: 2, maxSeqLen: 32, padMultiple: 16, localSteps: 1, rounds: 1, minClients: 1, maxClients: 2 });

  await page.goto(server.url);
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(20));
  await expect(page.locator('.file-card').first()).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Start training' }).click();

  const outcome = page.locator('#outcome');
  await expect(outcome).toContainText('The server refused this tab\'s connection: your address (127.0.0.1) already has 1 open connection to it, and it allows at most 1.', { timeout: 120_000 });
  await expect(outcome).toContainText('Close other tabs of this page (or other volunteers on your network), then reload this page.');
  await expect(outcome).not.toContainText('websocket error');
  await expect(page.locator('#status-title')).toHaveText('Training stopped');
  await expect(page.locator('#connection')).toHaveText('Stopped');
  await page.screenshot({ path: join(SHOTS, 'connection-limit-refused.png'), fullPage: true });

  // Doing what it says: the other connection closes, and after a reload the file is still chosen and the tab connects.
  admin.close();
  await outcome.getByRole('button', { name: 'Reload the page' }).click();
  await expect(page.locator('.file-card[data-file="devset-shard-20.csv"]')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#connection')).toHaveText('Connected', { timeout: 120_000 });
});
