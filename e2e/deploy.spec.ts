// Ready for real volunteers, in real Chromium tabs: the server over HTTPS with a generated certificate (a tab trains
// on WebGPU in a secure context), a page without the invite token or from an origin off the allow-list is refused
// with a sentence, a reload mid-round comes back as the same volunteer with its files and loss history, and after
// kill -9 and --resume the dashboard is still signed in.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VolunteerEvent } from '@splitlora/client';
import { expect, type Page, test } from '@playwright/test';
import { makeSelfSignedCert } from '../tools/cert/self-signed.js';
import { AdminClient } from './support/admin-client.js';
import { writeDevsetShard } from './support/data-files.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
const PHONE = { width: 390, height: 844 };
const INVITE = 'e2e-invite-7f3a';
const certs = makeSelfSignedCert(mkdtempSync(join(tmpdir(), 'splitlora-e2e-cert-')), ['localhost', '127.0.0.1'], 1);
let server: ServerProcess;

test.use({ ignoreHTTPSErrors: true });

async function shots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `deploy-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `deploy-${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Records the volunteer events of each page load in window.__events (the page re-dispatches them on window). */
async function recordEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __events: unknown[] };
    w.__events = [];
    window.addEventListener('splitlora:volunteer-event', (e) => w.__events.push((e as CustomEvent).detail));
  });
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: VolunteerEvent[] }).__events);

async function identity(page: Page): Promise<Extract<VolunteerEvent, { type: 'identity' }>> {
  await expect.poll(async () => (await events(page)).some((e) => e.type === 'identity'), { timeout: 120_000 }).toBe(true);
  return (await events(page)).find((e) => e.type === 'identity') as Extract<VolunteerEvent, { type: 'identity' }>;
}

async function chooseFileAndStart(page: Page, url: string, before?: () => Promise<void>): Promise<void> {
  await page.goto(url);
  await before?.();
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(writeDevsetShard(40));
  await expect(page.locator('.file-card[data-file="devset-shard-40.csv"]')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Start training' }).click();
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess((port) => ['--invite-token', INVITE, '--allowed-origins', `https://localhost:${port}`],
    { tls: { cert: certs.cert, key: certs.key }, tokenInEnv: true, adminToken: 'e2e-admin-token-kept' });
  const admin = await AdminClient.connect(server.url, server.adminToken, { ca: certs.cert });
  try {
    const run = await admin.createRun({
      name: 'Deploy e2e', model: 'tiny', cut: 3, batchSize: 4, maxSeqLen: 48, padMultiple: 16, localSteps: 8, rounds: 2,
      minClients: 1, maxClients: 4, lr: 5e-3, schedule: 'constant', reconnectGraceSec: 120,
    });
    await admin.startRun(run.runId);
  } finally {
    admin.close();
  }
});
test.afterAll(async () => server?.stop());

test('refuses a page without the invite, and a page from an origin off the allow-list, with a sentence', async ({ page }) => {
  await chooseFileAndStart(page, `${server.url}/`, () => expect(page.locator('#invite-needed')).toContainText('open the invite link'));
  await expect(page.locator('#outcome')).toContainText('This run takes volunteers by invitation: open the invite link', { timeout: 120_000 });
  await shots(page, 'no-invite');
  const foreign = server.url.replace('localhost', '127.0.0.1');
  await chooseFileAndStart(page, `${foreign}/?invite=${INVITE}`);
  await expect(page.locator('#outcome')).toContainText(`Pages at ${foreign} may not connect to this server`, { timeout: 120_000 });
});

test('trains on WebGPU over HTTPS, and a reload mid-round comes back as the same volunteer with its history', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  await recordEvents(page);
  await chooseFileAndStart(page, `${server.url}/?invite=${INVITE}`);
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  await expect(page.locator('#backend')).toHaveAttribute('data-backend', 'webgpu', { timeout: 120_000 });
  const first = await identity(page);
  expect(first.resumed).toBe(false);
  await expect.poll(async () => (await events(page)).filter((e) => e.type === 'step').length, { timeout: 5 * 60_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.locator('#eta')).toContainText(/left in this round · .* for the run/);
  await shots(page, 'training-eta');

  // The tab keeps training until the reload: a step may land between this count and the reload (the page's saved
  // history has it, the count here does not).
  const stepsBefore = (await events(page)).filter((e) => e.type === 'step').length;
  await page.reload();
  // No consent, no file to choose: the tab starts again by itself, as the same volunteer, with its loss history.
  await expect(page.locator('#training')).toBeVisible({ timeout: 60_000 });
  const again = await identity(page);
  expect(again).toMatchObject({ clientId: first.clientId, resumed: true });
  await expect(page.locator('#training')).toHaveAttribute('data-status', 'finished', { timeout: 8 * 60_000 });
  const stepsAfter = (await events(page)).filter((e) => e.type === 'step').length;
  const trained = Number(/This tab trained (\d+) steps/.exec(await page.locator('#outcome').innerText())?.[1]);
  expect(trained).toBeGreaterThanOrEqual(stepsBefore + stepsAfter);
  expect(trained).toBeLessThanOrEqual(stepsBefore + stepsAfter + 1);
  await shots(page, 'finished-after-reload');
});

test('after kill -9 and --resume the dashboard is still signed in, and lists the earlier run with its adapters', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  const admin = await AdminClient.connect(server.url, server.adminToken, { ca: certs.cert });
  const run = await admin.createRun({ name: 'Deploy e2e resumed', model: 'tiny', cut: 3, batchSize: 4, maxSeqLen: 48, padMultiple: 16, localSteps: 2, rounds: 3, minClients: 1, maxClients: 2 });
  await admin.startRun(run.runId);
  admin.close();
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Admin token').fill(server.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Live')).toBeVisible({ timeout: 60_000 });
  const runsDir = server.runsDir;
  const port = Number(new URL(server.url).port);
  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));
  await expect(page.getByText(/Connection lost|Cannot reach the server/)).toBeVisible({ timeout: 60_000 });
  // The same token from the environment: the open dashboard reconnects by itself, without the sign-in form.
  server = await startServerProcess((p) => ['--invite-token', INVITE, '--allowed-origins', `https://localhost:${p}`, '--resume', join(runsDir, run.runId)],
    { tls: { cert: certs.cert, key: certs.key }, tokenInEnv: true, adminToken: 'e2e-admin-token-kept', port, runsDir });
  await expect(page.getByText('Live')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByLabel('Admin token')).toHaveCount(0);
  await expect(page.getByText('Deploy e2e resumed').first()).toBeVisible();

  // The run trained in the test before is history now: listed, its rounds shown, its adapter downloadable.
  const earlier = page.locator('#run-history details').filter({ hasText: 'Deploy e2e ·' });
  await expect(earlier).toContainText('2 of 2 rounds');
  await earlier.locator('summary').click();
  await expect(earlier.getByRole('row')).toHaveCount(3); // header + rounds 2 and 1
  const saved = page.waitForEvent('download');
  await earlier.getByRole('button', { name: /Download the client adapter of Deploy e2e, round 2/ }).click();
  expect((await saved).suggestedFilename()).toMatch(/-round-2-client-adapter\.zip$/);
  await shots(page, 'dashboard-after-resume');
});
