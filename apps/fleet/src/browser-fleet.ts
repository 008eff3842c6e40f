// The browser fleet: N headless Chromium tabs (Debian's binary, WebGPU on SwiftShader) open the volunteer page,
// consent, load their own shard through the file input and train until the run ends.
import type { VolunteerEvent, VolunteerStatus } from '@splitlora/client';
import { chromium, type Page } from 'playwright';
import type { ShardSpec } from './fleet-data.js';
import { writeShardFiles } from './shard-files.js';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

export interface BrowserFleetOptions {
  server: string;
  clients: number;
  shards: ShardSpec;
  executablePath?: string;
  onEvent?: (index: number, event: VolunteerEvent) => void;
}

const FINAL = new Set(['finished', 'left', 'error']);

/** Walks one tab through consent, files and Start; resolves with the final status of its training view. */
async function driveTab(page: Page, file: string, index: number, report: (status: VolunteerStatus, message: string) => void): Promise<string> {
  await page.getByRole('button', { name: 'I understand — choose my files' }).click();
  await page.locator('#file-input').setInputFiles(file);
  await page.locator('#display-name').fill(`browser-${index}`);
  await page.locator('#start-button').click({ timeout: 120_000 });
  let last = '';
  for (;;) {
    const status = (await page.locator('#training').getAttribute('data-status')) ?? 'starting';
    if (status !== last) {
      last = status;
      const backend = await page.locator('[data-backend]').first().getAttribute('data-backend');
      report(status as VolunteerStatus, `tab ${index} (${backend}): ${status}`);
    }
    if (FINAL.has(status)) return status;
    await page.waitForTimeout(1000);
  }
}

export async function runBrowserFleet(options: BrowserFleetOptions): Promise<{ outcomes: string[]; backend: string }> {
  const files = writeShardFiles(options.shards);
  const browser = await chromium.launch({ executablePath: options.executablePath ?? process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const backends = new Set<string>();
  try {
    const context = await browser.newContext();
    const outcomes = await Promise.all(files.map(async (file, index) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => options.onEvent?.(index, { type: 'error', message: error.message, fatal: false }));
      await page.exposeFunction('splitloraFleetEvent', (event: VolunteerEvent) => { if (event.type !== 'status') options.onEvent?.(index, event); });
      await page.addInitScript(() => {
        window.addEventListener('splitlora:volunteer-event', (e) => (window as unknown as { splitloraFleetEvent: (d: unknown) => void }).splitloraFleetEvent((e as CustomEvent).detail));
      });
      await page.goto(options.server);
      const outcome = await driveTab(page, file, index, (status, message) => options.onEvent?.(index, { type: 'status', status, message }));
      backends.add((await page.locator('[data-backend]').first().getAttribute('data-backend')) ?? 'unknown');
      return outcome;
    }));
    return { outcomes, backend: [...backends].join(',') };
  } finally {
    await browser.close();
  }
}
