// Starts an HTTP server listening (port 0 picks a free one) and says the URL to show for it.
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(http: HttpServer, port = 0, host?: string): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(port, host ?? '127.0.0.1', () => resolveListen());
  });
  const bound = (http.address() as AddressInfo).port;
  const shownHost = host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { port: bound, url: `http://${shownHost}:${bound}` };
}
