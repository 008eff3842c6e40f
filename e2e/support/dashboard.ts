// Drives the admin dashboard: sign in, fill the run form, press run buttons, read the state badge.
import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export interface TinyRunForm {
  name: string;
  rounds: number;
  localSteps: number;
  minClients: number;
  maxClients: number;
  /** Tick "Invite only": volunteers need the run's invite link. */
  inviteOnly?: boolean;
}

/** Fills the run form for a small `tiny` run (short sequences, small batches, E2E evaluation) and creates it. */
export async function createTinyRun(page: Page, form: TinyRunForm): Promise<void> {
  const runForm = page.locator('form', { has: page.getByRole('button', { name: 'Create run' }) });
  const set = async (label: string, value: string | number) => runForm.getByLabel(label, { exact: true }).fill(String(value));
  await set('Run name', form.name);
  await runForm.getByLabel('Model', { exact: true }).selectOption('tiny');
  await set('Learning rate', 0.005);
  await set('Batch size', 4);
  await set('Max sequence length', 48);
  await set('Pad to multiple of', 16);
  await set('Local steps', form.localSteps);
  await set('Rounds', form.rounds);
  await set('Max clients', form.maxClients);
  await set('Min clients', form.minClients);
  if (form.inviteOnly) await runForm.getByLabel('Only volunteers with the run\'s invite link').check();
  await runForm.getByLabel('Evaluation data', { exact: true }).selectOption('e2e/testset_w_refs.csv');
  await set('Eval samples', 16);
  await runForm.locator('summary', { hasText: 'Advanced settings' }).click();
  await set('Reconnect grace (s)', 3);
  await page.getByRole('button', { name: 'Create run' }).click();
  await expect(runBadge(page)).toHaveText('Created');
}

export function runBadge(page: Page) {
  return page.locator('.badge').first();
}
