// Watches a Playwright page for what must not happen: console errors, uncaught exceptions, failed requests,
// and (until allowed) any WebSocket to the server.
import type { Page } from '@playwright/test';

export interface PageWatch {
  errors: string[];
  sockets: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], sockets: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => watch.errors.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  page.on('websocket', (socket) => watch.sockets.push(socket.url()));
  return watch;
}
