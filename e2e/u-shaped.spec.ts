// The u-shaped layout in a real Chromium tab (WebGPU on SwiftShader): the tab keeps the head, trains a round, and
// evaluates its held-out share. Every WebSocket frame it sends is decoded back into socket.io messages and checked
// as the Node integration test checks them: no target, mask, loss or token id — only float activations and
// gradients, the adapter and one held-out loss. A standard-layout step through the same capture shows the labels.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isTensorFrameLike, labelLeaks, type RoundRecord } from '@splitlora/protocol';
import { expect, type Page, test } from '@playwright/test';
import { AdminClient } from './support/admin-client.js';
import { writeDevsetShard } from './support/data-files.js';
import { captureSentFrames, type SentMessage, sentMessages } from './support/frames.js';
import { watchPage } from './support/page-watch.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
const LOCAL_STEPS = 2;
let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

/** Creates and starts a one-round tiny run in `layout`; returns its id. */
async function startRun(layout: 'u-shaped' | 'standard', localSteps: number): Promise<string> {
  const admin = await AdminClient.connect(server.url, server.adminToken);
  try {
    const run = await admin.createRun({
      name: `${layout} e2e`, model: 'tiny', cut: 2, layout, batchSize: 4, maxSeqLen: 32, padMultiple: 16, localSteps, rounds: 1,
      minClients: 1, maxClients: 2, lr: 5e-3, schedule: 'constant', evalData: null,
    });
    await admin.startRun(run.runId);
    return run.runId;
  } finally {
    admin.close();
  }
}

async function trainOnce(page: Page, rows: number): Promise<void> {
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(rows, `u-shaped-${rows}.csv`));
  await expect(page.locator('.file-card').first()).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 120_000 });
  await expect(page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 8 * 60_000 });
}

const count = (messages: SentMessage[], event: string) => messages.filter((m) => m.event === event).length;

test('a WebGPU tab trains a u-shaped round, and no target, mask, loss or token id leaves it', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  const watch = watchPage(page);
  const frames = captureSentFrames(page);
  const runId = await startRun('u-shaped', LOCAL_STEPS);
  await page.goto(server.url);
  await expect(page.locator('#what-leaves')).toContainText('U-shaped run: activations and gradients only');
  await expect(page.getByText('These ids are an encoding of your training text')).toHaveCount(0);
  await expect(page.locator('.facts')).toContainText('the gradient of the server’s output (no labels, no loss)');
  await expect(page.locator('#lead')).toContainText('A server trains the middle layers');
  await page.screenshot({ path: join(SHOTS, 'u-shaped-consent.png'), fullPage: true });
  await trainOnce(page, 40);
  await expect(page.locator('#stat-sent-hint')).toHaveText('activations, output gradients, adapters');
  await expect(page.locator('#stat-loss-hint')).toContainText('held-out loss of all tabs');
  await page.screenshot({ path: join(SHOTS, 'u-shaped-finished.png'), fullPage: true });

  const admin = await AdminClient.connect(server.url, server.adminToken);
  const metrics = await admin.request('metrics:history', { runId });
  admin.close();
  const round1 = metrics.find((m): m is RoundRecord => m.kind === 'round' && m.round === 1);
  expect(round1).toMatchObject({ clients: 1, trainLoss: null });
  expect(round1!.evalLoss).toBeGreaterThan(0); // the tab's held-out loss: the only loss that leaves it
  const steps = metrics.filter((m) => m.kind === 'step');
  expect(steps).toHaveLength(LOCAL_STEPS);
  expect(steps.every((s) => s.loss === null)).toBe(true);

  const messages = sentMessages(frames);
  expect(count(messages, 'ushaped:forward')).toBe(LOCAL_STEPS);
  expect(count(messages, 'ushaped:backward')).toBe(LOCAL_STEPS);
  expect(count(messages, 'ushaped:eval')).toBeGreaterThanOrEqual(1);
  expect(count(messages, 'round:update')).toBe(1);
  expect(count(messages, 'train:activations')).toBe(0);
  expect(messages.flatMap(({ event, payload }) => labelLeaks(event, payload))).toEqual([]);
  for (const { event, payload } of messages.filter((m) => m.event.startsWith('ushaped:'))) {
    const tensors = Object.entries(payload as Record<string, unknown>).filter(([, v]) => isTensorFrameLike(v));
    expect(tensors.map(([k]) => k), event).toEqual([event === 'ushaped:backward' ? 'gradient' : 'activations']);
  }
  expect(watch.errors).toEqual([]);
});

test('the same capture sees the labels a standard-layout step sends', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const frames = captureSentFrames(page);
  await startRun('standard', 1);
  await page.goto(server.url);
  await expect(page.getByText('These ids are an encoding of your training text')).toBeVisible();
  await trainOnce(page, 20);
  await expect(page.locator('#stat-sent-hint')).toHaveText('activations, labels, adapters');
  const messages = sentMessages(frames);
  expect(count(messages, 'train:activations')).toBe(1);
  const leaks = messages.flatMap(({ event, payload }) => labelLeaks(event, payload));
  expect(leaks).toEqual(expect.arrayContaining(['train:activations.targets: a targets field', 'train:activations.lossMask: a lossMask field']));
  expect(leaks.some((l) => /^train:activations\.targets: a (uint16|int32) frame/.test(l))).toBe(true);
});
