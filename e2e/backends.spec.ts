// The core's math on browser backends: the Hugging Face golden fixtures (logits ≤ 1e-4, LoRA gradients ≤ 1e-4
// relative), the split path and the device dropout kernel (bit for bit), on WebGPU (SwiftShader), WebGL and CPU in
// headless Chromium.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { REPO_ROOT } from './support/server-process.js';

let vite: ViteDevServer;

test.beforeAll(async () => {
  vite = await createServer({
    root: REPO_ROOT, configFile: false, logLevel: 'error', server: { port: 0, host: '127.0.0.1', fs: { allow: [REPO_ROOT] } },
    optimizeDeps: { entries: [join(REPO_ROOT, 'e2e/pages/golden/index.html')] },
  });
  await vite.listen();
});
test.afterAll(async () => vite?.close());

test('golden fixtures and the split step agree with Hugging Face on webgpu, webgl and cpu', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const address = vite.httpServer!.address() as { port: number };
  await page.goto(`http://localhost:${address.port}/e2e/pages/golden/index.html`);
  await expect.poll(async () => errors.length > 0 || await page.evaluate(() => (window as unknown as { __golden?: unknown }).__golden !== undefined),
    { timeout: 8 * 60_000, intervals: [1000] }).toBe(true);
  expect(errors).toEqual([]);
  const results = await page.evaluate(() => (window as unknown as { __golden: Record<string, number | string>[] }).__golden);
  console.log(JSON.stringify(results, null, 2));
  expect(errors).toEqual([]);
  for (const r of results) {
    expect(r['error'], `${r['backend']}`).toBeUndefined();
    expect(r['dropout.mismatches'], `${r['backend']} dropout mask vs the JavaScript reference`).toBe(0);
    for (const kind of ['full', 'qv']) {
      expect(r[`${kind}.logits`] as number, `${r['backend']} ${kind} logits`).toBeLessThanOrEqual(1e-4);
      expect(r[`${kind}.loss`] as number, `${r['backend']} ${kind} loss`).toBeLessThanOrEqual(1e-5);
      expect(r[`${kind}.grads`] as number, `${r['backend']} ${kind} grads`).toBeLessThanOrEqual(1e-4);
      expect(r[`${kind}.split-grads`] as number, `${r['backend']} ${kind} split grads`).toBeLessThanOrEqual(1e-4);
    }
  }
});
