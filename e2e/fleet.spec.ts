// The whole system in real browser tabs: the admin starts a tiny run in the dashboard, three volunteer tabs each
// train their own shard of the E2E dev set on WebGPU, two rounds complete and the eval loss drops, the round-2
// adapter downloads and loads; no raw text of a tab's file appears in any frame it sends; a tab closed mid-round
// does not stop the round.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  fullLogits, gpt2Config, importPeftAdapter, initGpt2Params, memoryFileSource, namedToTensors, parseCsv,
} from '@splitlora/core';
import type { RoundRecord } from '@splitlora/protocol';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { AdminClient } from './support/admin-client.js';
import { createTinyRun, runBadge, signIn } from './support/dashboard.js';
import { writeDevsetShard } from './support/data-files.js';
import { captureSentFrames, leakedText, type SentFrames } from './support/frames.js';
import { watchPage } from './support/page-watch.js';
import { unzip } from './support/unzip.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
let server: ServerProcess;
let browser: Browser;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
});
test.afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Tab { page: Page; frames: SentFrames; file: string; errors: string[] }

/** A volunteer in its own browser profile: consents, loads its shard, starts training. */
async function openVolunteer(index: number, rows: number, offset: number): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const frames = captureSentFrames(page);
  const watch = watchPage(page);
  const file = writeDevsetShard(rows, `tab-${index}-devset-${offset}.csv`, offset);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(file);
  await expect(page.locator('.file-card').first()).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await page.locator('#display-name').fill(`tab ${index}`);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 120_000 });
  return { page, frames, file, errors: watch.errors };
}

/** Every MR and reference of a shard longer than a few words: what must never travel. */
function rawTexts(file: string): string[] {
  const table = parseCsv(readFileSync(file, 'utf8'));
  return [...new Set(table.rows.flat().filter((text) => text.length >= 16))];
}

test('three WebGPU tabs train two rounds started from the dashboard', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  await signIn(page, server.url, server.adminToken);
  await createTinyRun(page, { name: 'Three tabs', rounds: 2, localSteps: 3, minClients: 3, maxClients: 3 });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(runBadge(page)).toHaveText('Waiting for volunteers');

  const tabs = await Promise.all([0, 1, 2].map((i) => openVolunteer(i, 120, i * 120)));
  await expect(runBadge(page)).toHaveText('Training', { timeout: 5 * 60_000 });
  await expect(tabs[0]!.page.locator('#stat-loss')).toHaveText(/^\d+\.\d{3}$/, { timeout: 5 * 60_000 });
  await tabs[0]!.page.screenshot({ path: join(SHOTS, 'fleet-volunteer-training.png'), fullPage: true });
  await page.screenshot({ path: join(SHOTS, 'fleet-dashboard-training.png'), fullPage: true });

  await expect(runBadge(page)).toHaveText('Finished', { timeout: 15 * 60_000 });
  for (const tab of tabs) {
    await expect(tab.page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
    await expect(tab.page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu');
  }
  await page.screenshot({ path: join(SHOTS, 'fleet-dashboard-finished.png'), fullPage: true });

  const admin = await AdminClient.connect(server.url, server.adminToken);
  const snapshot = await admin.request('admin:snapshot', {});
  const metrics = await admin.request('metrics:history', { runId: snapshot.run!.runId });
  admin.close();
  const rounds = metrics.filter((m): m is RoundRecord => m.kind === 'round').sort((a, b) => a.round - b.round);
  expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
  expect(rounds.slice(1).map((r) => r.clients)).toEqual([3, 3]);
  expect(rounds[2]!.evalLoss!).toBeLessThan(rounds[0]!.evalLoss!);

  // The round-2 adapter (both halves) downloads from the dashboard and loads into the model.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Download the combined adapter .*, round 2$/ }).click();
  const zip = unzip(new Uint8Array(readFileSync((await (await download).path())!)));
  const downloads = Object.fromEntries(Object.entries(zip).map(([name, data]) => [name.split('/').pop()!, data]));
  const config = gpt2Config('tiny');
  const adapter = await importPeftAdapter(config, memoryFileSource(downloads));
  expect(adapter.layers).toEqual([0, 1, 2, 3, 4, 5]);
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const logits = tf.tidy(() => fullLogits({ config, params: namedToTensors(initGpt2Params(config, 0)) },
    { config: adapter.config, tensors: namedToTensors(adapter.tensors) }, tf.tensor2d([[464, 2068, 7586]], [1, 3], 'int32')));
  expect(logits.shape).toEqual([1, 3, 50257]);
  expect(Number.isFinite((await logits.data())[0])).toBe(true);

  // Nothing of a tab's file travels as text: its frames hold activations, labels as ids, adapters.
  for (const tab of tabs) {
    expect(tab.frames.binary.length).toBeGreaterThan(10);
    const needles = rawTexts(tab.file);
    expect(needles.length).toBeGreaterThan(100);
    expect(leakedText(tab.frames, needles)).toEqual([]);
    expect(tab.errors).toEqual([]);
    await tab.page.context().close();
  }
});

test('a tab closed mid-round does not stop the round', async () => {
  test.setTimeout(15 * 60_000);
  const admin = await AdminClient.connect(server.url, server.adminToken);
  const run = await admin.createRun({
    name: 'Tab closes', model: 'tiny', cut: 3, batchSize: 4, maxSeqLen: 48, padMultiple: 16, localSteps: 4, rounds: 1,
    minClients: 2, maxClients: 3, lr: 5e-3, reconnectGraceSec: 2, evalData: 'e2e/testset_w_refs.csv', evalSamples: 16,
  });
  const tabs = await Promise.all([0, 1, 2].map((i) => openVolunteer(10 + i, 60, 400 + i * 60)));
  // Start once all three are ready, so all three are in the round.
  await expect.poll(async () => (await admin.request('admin:snapshot', {})).clients.filter((c) => c.state === 'ready').length, { timeout: 5 * 60_000 }).toBe(3);
  await admin.startRun(run.runId);
  const leaving = tabs[2]!;
  await expect(leaving.page.locator('#stat-loss')).toHaveText(/^\d+\.\d{3}$/, { timeout: 5 * 60_000 });
  await leaving.page.context().close();
  for (const tab of tabs.slice(0, 2)) {
    await expect(tab.page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 10 * 60_000 });
  }
  const metrics = await admin.request('metrics:history', { runId: run.runId });
  admin.close();
  const round1 = metrics.find((m): m is RoundRecord => m.kind === 'round' && m.round === 1)!;
  expect(round1.clients).toBe(2);
  expect(metrics.filter((m) => m.kind === 'step').map((m) => (m as { clientId: string }).clientId).filter((id) => !round1.participants.includes(id)).length).toBeGreaterThan(0);
  for (const tab of tabs.slice(0, 2)) await tab.page.context().close();
});
