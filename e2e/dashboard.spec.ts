// The admin dashboard in a real browser against the real server: a wrong token is refused; sign in, create a tiny
// run, start it, see a volunteer (a Node fleet client) appear and the loss chart fill, and download an adapter.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors } from '@splitlora/core';
import { expect, test } from '@playwright/test';
import { createTinyRun, runBadge, signIn } from './support/dashboard.js';
import { watchPage } from './support/page-watch.js';
import { unzip } from './support/unzip.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

test('refuses a wrong admin token and shows nothing', async ({ page }) => {
  await signIn(page, server.url, 'not-the-token');
  await expect(page.getByRole('alert')).toContainText(/refused/i);
  await expect(page.getByRole('button', { name: 'Create run' })).toHaveCount(0);
  await expect(page.getByText('Training loss')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'dashboard-wrong-token.png'), fullPage: true });
});

test('creates and starts a run, watches a volunteer train, and downloads its adapter', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const watch = watchPage(page);
  await signIn(page, server.url, server.adminToken);
  await expect(page.getByRole('button', { name: 'Create run' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'dashboard-signed-in.png'), fullPage: true });
  await createTinyRun(page, { name: 'Dashboard e2e', rounds: 2, localSteps: 3, minClients: 1, maxClients: 2 });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(runBadge(page)).toHaveText('Waiting for volunteers');

  // One volunteer from the Node fleet CLI (`pnpm fleet`), as an operator would start it.
  const fleet = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/fleet/src/cli.ts'), '--server', server.url, '--clients', '1', '--workers', '0', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let fleetOut = '';
  fleet.stdout!.on('data', (c: Buffer) => (fleetOut += c.toString()));
  const fleetDone = new Promise<number>((r) => fleet.once('exit', (code) => r(code ?? -1)));

  const clients = page.locator('table', { has: page.locator('th', { hasText: 'Backend' }) });
  await expect(clients.locator('tbody tr').first()).toContainText('fleet-0', { timeout: 120_000 });
  await expect(clients.locator('tbody tr').first()).toContainText('node');
  await expect(page.getByText('No training steps yet.')).toBeHidden({ timeout: 120_000 });
  await page.screenshot({ path: join(SHOTS, 'dashboard-training.png'), fullPage: true });

  await expect(runBadge(page)).toHaveText('Finished', { timeout: 5 * 60_000 });
  expect(await fleetDone).toBe(0);
  expect(JSON.parse(fleetOut.trim().split('\n').at(-1)!).outcomes).toEqual(['finished']);
  await page.screenshot({ path: join(SHOTS, 'dashboard-finished.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the global client adapter (blocks before the cut), round 2' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('round-2-client-adapter.zip');
  const files = unzip(new Uint8Array(readFileSync((await file.path())!)));
  expect(Object.keys(files).sort()).toEqual(['round-2-client-adapter/adapter_config.json', 'round-2-client-adapter/adapter_model.safetensors']);
  const names = parseSafetensors(files['round-2-client-adapter/adapter_model.safetensors']!).names();
  expect(names).toContain('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight');
  expect(names.some((n) => n.includes('transformer.h.3.'))).toBe(false); // the client adapter covers blocks 0..2

  // Try it: generation with the current adapters.
  await page.getByRole('textbox', { name: 'Prompt' }).fill('name[The Eagle], eatType[coffee shop]');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.locator('.generate-output')).toContainText(/Round 2 adapters · \d+ tokens/, { timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'dashboard-try-it.png'), fullPage: true });
  expect(watch.errors).toEqual([]);
});
