// The client step in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader): one page per
// backend, each checked active before it is timed; an unavailable backend is reported with its reason.
import { chromium, type Page } from 'playwright';
import type { ClientBenchApi, PageMeasurement } from '../browser/main.js';
import type { PageActivation, PageBackend } from '../browser/page-backend.js';
import type { TimeBoxOptions } from '../lib/timing.js';
import { buildPage, servePage } from './browser-page.js';
import type { ClientStepCase } from './client-step.js';

export const PAGE_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export interface BrowserSession {
  chromiumVersion: string;
  /** Opens a fresh page, activates `backend`; null page when it is unavailable. */
  open(backend: PageBackend): Promise<{ page: BrowserPage | null; activation: PageActivation }>;
  close(): Promise<void>;
}

export interface BrowserPage {
  matMulGflops(n: number): Promise<number>;
  measure(c: ClientStepCase, box: TimeBoxOptions, timeoutMs: number): Promise<PageMeasurement>;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${Math.round(ms / 1000)} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function startBrowserSession(options: { isolated: boolean; log: (line: string) => void }): Promise<BrowserSession> {
  options.log('building the benchmark page (vite)…');
  const dir = await buildPage();
  const server = await servePage(dir, options.isolated);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const wrap = (page: Page): BrowserPage => ({
    matMulGflops: (n) => page.evaluate((size) => (window as unknown as { clientBench: ClientBenchApi }).clientBench.matMulGflops(size), n),
    measure: (c, box, timeoutMs) => withTimeout(
      page.evaluate(([cc, bb]) => (window as unknown as { clientBench: ClientBenchApi }).clientBench.measure(cc, bb), [c, box] as const),
      timeoutMs, `${c.model} ${c.batch}x${c.seq}`,
    ),
    close: () => page.context().close(),
  });
  return {
    chromiumVersion: browser.version(),
    async open(backend) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') options.log(`  [page ${backend}] ${m.text().slice(0, 200)}`); });
      await page.goto(server.url);
      await page.waitForFunction(() => (window as unknown as { clientBench?: unknown }).clientBench !== undefined, null, { timeout: 60_000 });
      const activation = await page.evaluate((name) => (window as unknown as { clientBench: ClientBenchApi }).clientBench.activate(name), backend);
      if (!activation.ok) {
        await context.close();
        return { page: null, activation };
      }
      return { page: wrap(page), activation };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
