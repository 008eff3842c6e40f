// Invite links per run, in the browser: the admin ticks "Invite only", the run card shows the run's invite link; the
// volunteer page opened without it says it needs the link, the page opened from the link does not.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createTinyRun, signIn } from './support/dashboard.js';
import { REPO_ROOT, type ServerProcess, startServerProcess } from './support/server-process.js';

const SHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

test('an invite-only run shows its link to the admin, and only the link lets a volunteer page in', async ({ page, browser }) => {
  await signIn(page, server.url, server.adminToken);
  await createTinyRun(page, { name: 'Invite e2e', rounds: 1, localSteps: 1, minClients: 1, maxClients: 2, inviteOnly: true });
  const link = page.locator('#invite-link');
  await expect(link).toBeVisible();
  await expect(link).toHaveValue(new RegExp(`^${server.url.replace(/[.:/]/g, '\\$&')}/\\?invite=[A-Za-z0-9_-]{16}$`));
  await page.locator('.card-run').screenshot({ path: join(SHOTS, 'dashboard-invite-link.png') });
  const inviteUrl = await link.inputValue();

  const volunteer = await browser.newPage();
  await volunteer.goto(`${server.url}/`);
  await expect(volunteer.locator('#invite-needed')).toContainText('open the invite link');
  await volunteer.screenshot({ path: join(SHOTS, 'volunteer-invite-needed.png'), fullPage: true });
  await volunteer.goto(inviteUrl);
  await expect(volunteer.getByText('This run: Invite e2e')).toBeVisible();
  await expect(volunteer.locator('#consent-button')).toBeEnabled();
  await expect(volunteer.locator('#invite-needed')).toHaveCount(0);
  await volunteer.close();
});
