// Serves a built web app (index.html + assets) under a URL prefix, with SPA fallback and no path traversal.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
  '.woff2': 'font/woff2', '.webmanifest': 'application/manifest+json',
};

export interface StaticApp {
  prefix: string;
  dir: string;
  /** Shown when the app has not been built. */
  name: string;
}

/** Handles the request when it belongs to the app; returns false otherwise. */
export function serveStatic(app: StaticApp, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  const inPrefix = app.prefix === '/' || pathname === app.prefix.replace(/\/$/, '') || pathname.startsWith(app.prefix);
  if (!inPrefix) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  if (pathname === app.prefix.replace(/\/$/, '') && app.prefix !== '/') {
    res.writeHead(301, { location: app.prefix }).end();
    return true;
  }
  const root = resolve(app.dir);
  if (!existsSync(join(root, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`The ${app.name} page is not built yet. Run: pnpm build:web\n`);
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(app.prefix.length));
  } catch {
    res.writeHead(400).end();
    return true;
  }
  const candidate = normalize(join(root, relative));
  const inside = candidate === root || candidate.startsWith(root + sep);
  const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
  const isAsset = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
