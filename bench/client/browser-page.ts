// Builds the benchmark page (bench/browser, Vite) and serves the build from this process (node:http, port 0).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const CONFIG = fileURLToPath(new URL('../browser/vite.config.ts', import.meta.url));
export const PAGE_DIR = fileURLToPath(new URL('../../artifacts/bench/browser-page', import.meta.url));

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css',
};

export async function buildPage(): Promise<string> {
  await build({ configFile: CONFIG, logLevel: 'error' });
  if (!existsSync(join(PAGE_DIR, 'index.html'))) throw new Error(`the Vite build of bench/browser should have written ${PAGE_DIR}/index.html`);
  return PAGE_DIR;
}

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir`; `isolated` adds COOP/COEP headers (cross-origin isolation: lets tfjs wasm use threads). */
export async function servePage(dir: string, isolated: boolean): Promise<PageServer> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}
