// The run form's per-run settings in the browser. Invite links: the admin ticks "Invite only", the run card shows the
// run's invite link; the volunteer page opened without it says it needs the link, the page opened from the link does
// not. FedCyBGD's cycle: its fields appear for the block methods only, a bad fraction is reported on its field, and
// the chosen settings reach the run (its card describes them).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createTinyRun, runBadge, signIn } from './support/dashboard.js';
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

test('FedCyBGD\'s cycle settings: shown for the block methods, checked, and carried into the run', async ({ page }) => {
  await signIn(page, server.url, server.adminToken);
  page.once('dialog', (dialog) => void dialog.accept()); // "Stop …? A stopped run cannot be resumed."
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(runBadge(page)).toHaveText('Stopped');
  const cycle = page.locator('#cycle-settings');
  await expect(cycle).toBeHidden();
  await page.locator('input[type=radio][value="cybgd"]').check();
  await expect(cycle).toBeVisible();
  const fraction = cycle.getByLabel('Download fraction');
  await expect(fraction).toHaveValue('1');
  await expect(cycle.getByLabel('Which blocks first')).toBeDisabled();
  await fraction.fill('0');
  await page.getByRole('button', { name: 'Create run' }).click();
  await expect(cycle.locator('.field.has-error')).toContainText('Download fraction');
  await fraction.fill('0.5');
  await cycle.getByLabel('Which blocks first').selectOption('stalest');
  await cycle.getByLabel('Block schedule').selectOption('ascending');
  await cycle.screenshot({ path: join(SHOTS, 'dashboard-cycle-settings.png') });
  await createTinyRun(page, { name: 'Cycle e2e', rounds: 1, localSteps: 1, minClients: 1, maxClients: 2 });
  await expect(page.locator('.run-settings')).toContainText('FedCyBGD: ascending schedule, fp16 block uploads, 50 % of lacking blocks downloaded (stalest first)');
  await page.locator('input[type=radio][value="splitlora"]').check();
  await expect(cycle).toBeHidden();
});

test('LoRA and privacy fold under a summary line, and a folded section with an invalid field opens on submit', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, server.url, server.adminToken);
  const privacy = page.locator('details.form-fold', { hasText: 'Privacy' });
  await expect(privacy).not.toHaveAttribute('open');
  await expect(privacy.locator('.form-fold-summary')).toHaveText('off');
  await expect(page.locator('details.form-fold', { hasText: 'LoRA adapters' }).locator('.form-fold-summary')).toContainText('r 4');
  await page.screenshot({ path: join(SHOTS, 'dashboard-run-form-folded.png'), fullPage: true });
  await privacy.locator('summary').click();
  await privacy.getByLabel('Add noise and report ε').check();
  await privacy.getByLabel('Noise multiplier σ').fill('-1');
  await privacy.locator('summary').click();
  await expect(privacy.locator('.form-fold-summary')).toContainText('differential privacy (σ -1');
  await page.getByRole('button', { name: 'Create run' }).click();
  await expect(privacy).toHaveAttribute('open');
  await expect(privacy.locator('.field.has-error')).toContainText('Noise multiplier σ');
});
