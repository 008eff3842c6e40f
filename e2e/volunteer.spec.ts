// End-to-end test of the volunteer page in a real Chromium tab (WebGPU on SwiftShader) against the real server:
// consent, files (a refused binary file, a shard of the E2E dev set), two rounds of training, the thank-you state.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { AdminClient } from './support/admin-client.js';
import { writeDevsetShard, writeScratchFile } from './support/data-files.js';
import { watchPage } from './support/page-watch.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Saves the page at desktop and phone widths: artifacts/screenshots/volunteer-<name>-{desktop,phone}.png. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `volunteer-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await settled(page);
  await page.screenshot({ path: join(SHOTS, `volunteer-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await settled(page);
}

/** Waits for layout after a viewport change (chart.js resizes its canvas from a ResizeObserver). */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(200);
}

let server: ServerProcess;

/** Creates and starts a tiny run (the model's weights come from the seed, so every run here has the same client split). */
async function startTinyRun(name: string, rounds: number, localSteps: number): Promise<void> {
  const admin = await AdminClient.connect(server.url, server.adminToken);
  try {
    const run = await admin.createRun({
      name, model: 'tiny', cut: 3, batchSize: 4, maxSeqLen: 48, padMultiple: 16, localSteps, rounds,
      minClients: 1, maxClients: 4, lr: 5e-3, schedule: 'constant', evalData: 'e2e/testset_w_refs.csv', evalSamples: 16,
    });
    await admin.startRun(run.runId);
  } finally {
    admin.close();
  }
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
  await startTinyRun('Volunteer page e2e', 2, 3);
});

test.afterAll(async () => {
  await server?.stop();
});

test('explains the run, refuses unusable files, and opens no connection before Start', async ({ page }) => {
  const watch = watchPage(page);
  await page.goto(server.url);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Your files stay on your device');
  await expect(page.locator('.facts')).toContainText('tiny');
  await expect(page.locator('.facts')).toContainText('2 × 3 local steps');
  await expect(page.getByText('These ids are an encoding of your training text')).toBeVisible();
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();

  const binary = writeScratchFile('photo.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  const wrongColumns = writeScratchFile('reviews.csv', 'name,review\nAromi,"Lovely coffee by the river."\n');
  const good = writeDevsetShard(20);
  await page.locator('#file-input').setInputFiles([binary, wrongColumns, good]);

  const binaryCard = page.locator('.file-card[data-file="photo.txt"]');
  await expect(binaryCard).toHaveAttribute('data-state', 'error');
  await expect(binaryCard).toContainText('photo.txt looks like a binary file (a NUL byte at byte 8)');
  await expect(binaryCard).toContainText('This file will not be used.');
  const csvCard = page.locator('.file-card[data-file="reviews.csv"]');
  await expect(csvCard).toContainText('reviews.csv: expected columns "mr,ref" (or "context,completion"), found "name,review"');
  const goodCard = page.locator('.file-card[data-file="devset-shard-20.csv"]');
  await expect(goodCard).toHaveAttribute('data-state', 'ready');
  await expect(goodCard.locator('.file-examples')).toHaveText('20 training examples');
  await expect(page.locator('#files-summary')).toContainText('1 file ready: 20 training examples');
  await expect(page.locator('#start-button')).toBeEnabled();
  await screenshots(page, 'file-errors');

  await goodCard.getByRole('button', { name: 'Remove devset-shard-20.csv' }).click();
  await expect(goodCard).toHaveCount(0);
  await expect(page.locator('#start-button')).toBeDisabled();
  await expect(page.locator('#connection')).toHaveText('Not connected · nothing sent');
  expect(watch.sockets, 'no WebSocket may open before Start').toEqual([]);
  expect(watch.errors).toEqual([]);
});

test('trains two rounds on WebGPU and thanks the volunteer', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  const watch = watchPage(page);
  await page.goto(server.url);
  await expect(page.locator('.facts')).toContainText('Volunteers online');
  await expect(page.locator('[data-backend]')).toHaveAttribute('data-backend', 'webgpu', { timeout: 120_000 });
  await screenshots(page, 'consent');

  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(200));
  const card = page.locator('.file-card[data-file="devset-shard-200.csv"]');
  await expect(card).toHaveAttribute('data-state', 'ready');
  await expect(card.locator('.file-examples')).toHaveText('200 training examples');
  await expect(card.locator('.file-tokens')).toHaveText(/^[\d,]+ tokens$/);
  await expect(card.locator('.file-preview')).toContainText('mr,ref');
  await screenshots(page, 'files');
  expect(watch.sockets, 'no WebSocket may open before Start').toEqual([]);

  await page.locator('#display-name').fill('e2e tab');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.locator('#backend')).toContainText('WebGPU');
  await expect(page.locator('#stat-loss')).toHaveText(/^\d+\.\d{3}$/, { timeout: 5 * 60_000 });
  await expect(page.locator('#round-label')).toContainText('Round 1 of 2');
  await expect(page.locator('#stat-online')).not.toHaveText('—');
  await screenshots(page, 'training');

  await expect(page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 8 * 60_000 });
  await expect(page.getByRole('heading', { name: 'Thank you!', exact: true })).toBeVisible();
  await expect(page.locator('#outcome')).toContainText('This tab trained 6 steps over 2 rounds');
  await expect(page.locator('#stat-sent')).not.toHaveText('0 B');
  await expect(page.locator('#connection')).toHaveText('Disconnected');
  await screenshots(page, 'finished');

  const overview = await (await fetch(`${server.url}/api/run`)).json() as { run: { state: string; round: number } };
  expect(overview.run.state).toBe('finished');

  // A second run after a reload: the model layers come from the cache, and pause and resume work.
  await startTinyRun('Volunteer page e2e, second run', 1, 5);
  await page.reload();
  await expect(page.locator('.facts')).toContainText('1 × 5 local steps');
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(20));
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#stat-model-hint')).toHaveText('from cache — not downloaded again', { timeout: 120_000 });
  await expect(page.locator('#stat-loss')).toHaveText(/^\d+\.\d{3}$/, { timeout: 5 * 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.locator('#training')).toHaveAttribute('data-status', 'paused');
  await expect(page.locator('#status-title')).toHaveText('Paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await screenshots(page, 'paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 8 * 60_000 });
  await expect(page.locator('#outcome')).toContainText('This tab trained 5 steps over 1 round');

  expect(watch.sockets.length).toBeGreaterThan(0);
  expect(watch.errors).toEqual([]);
});
