// FedCyBGD in a real Chromium tab (WebGPU on SwiftShader): the consent screen says a whole block leaves the tab, the
// tab trains its block of the whole model with full parameters for a round and uploads that block only, the round
// completes and the server's version of that block advances.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { blockParamShapes, countElements, gpt2Config } from '@splitlora/core';
import { type FrameBundle, type RoundRecord, unpackFrames } from '@splitlora/protocol';
import { expect, test } from '@playwright/test';
import { AdminClient } from './support/admin-client.js';
import { writeDevsetShard } from './support/data-files.js';
import { captureSentFrames, sentMessages } from './support/frames.js';
import { watchPage } from './support/page-watch.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
const LOCAL_STEPS = 2;
const BLOCK_ELEMENTS = Object.values(blockParamShapes(gpt2Config('tiny'), 0)).reduce((s, shape) => s + countElements(shape), 0);
let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

test('a WebGPU tab trains a cybgd round: one whole block uploaded, its version advanced on the server', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  const watch = watchPage(page);
  const frames = captureSentFrames(page);
  const admin = await AdminClient.connect(server.url, server.adminToken);
  const created = await admin.createRun({
    name: 'cybgd e2e', model: 'tiny', method: 'cybgd', batchSize: 2, maxSeqLen: 32, padMultiple: 16, localSteps: LOCAL_STEPS, rounds: 1,
    minClients: 1, maxClients: 1, lr: 2e-3, schedule: 'constant',
  });
  expect(created.blockVersions).toEqual([0, 0, 0, 0, 0, 0]);
  await admin.startRun(created.runId);

  await page.goto(server.url);
  const leaves = page.locator('#what-leaves');
  await expect(leaves).toContainText('A whole trained block');
  await expect(leaves).toContainText('far more than a LoRA adapter');
  await expect(leaves).toContainText('Your tab trains without sending activations');
  await expect(leaves).not.toContainText('Next-token labels');
  await expect(leaves).not.toContainText('Cut-layer activations');
  await expect(page.locator('.facts')).toContainText('one whole transformer block of the model with all its weights');
  await expect(page.locator('.facts')).toContainText('whole model in this tab');
  await expect(page.locator('#lead')).toContainText('Your browser holds the whole model and trains one of its blocks');
  await page.screenshot({ path: join(SHOTS, 'cybgd-consent.png'), fullPage: true });

  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(24, 'cybgd-24.csv'));
  await expect(page.locator('.file-card').first()).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 120_000 });
  await expect(page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 8 * 60_000 });
  await expect(page.locator('#stat-sent-hint')).toHaveText('trained blocks, step losses');
  await expect(page.locator('#stat-received-hint')).toHaveText('model, updated blocks, messages');
  await page.screenshot({ path: join(SHOTS, 'cybgd-finished.png'), fullPage: true });

  const snapshot = await admin.request('admin:snapshot', {});
  const metrics = await admin.request('metrics:history', { runId: created.runId });
  admin.close();
  expect(snapshot.run).toMatchObject({ runId: created.runId, state: 'finished', completedRounds: 1 });
  expect(metrics.find((m): m is RoundRecord => m.kind === 'round' && m.round === 1)).toMatchObject({ clients: 1 });
  expect(metrics.filter((m) => m.kind === 'step')).toHaveLength(LOCAL_STEPS);

  // The tab sent one round:update holding one whole block in fp16, and no activations; that block is now at version 1.
  const messages = sentMessages(frames);
  expect(messages.filter((m) => m.event === 'train:activations')).toHaveLength(0);
  const updates = messages.filter((m) => m.event === 'round:update');
  expect(updates).toHaveLength(1);
  const uploaded = unpackFrames((updates[0]!.payload as { adapter: FrameBundle }).adapter);
  expect(uploaded.map((f) => [f.dtype, f.data.byteLength])).toEqual([['float16', BLOCK_ELEMENTS * 2]]);
  const block = Number(/^transformer\.h\.(\d+)$/.exec(uploaded[0]!.name)?.[1]);
  expect(snapshot.run!.blockVersions).toEqual([0, 1, 2, 3, 4, 5].map((b) => (b === block ? 1 : 0)));
  expect(watch.errors).toEqual([]);
});
