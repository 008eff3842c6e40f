// The server's edge over HTTPS/WSS with a generated certificate: foreign pages and volunteers without the invite
// are refused with a sentence, polling answers no foreign origin, per-address connection and join limits hold,
// and wrong admin tokens are throttled with one log line per burst.
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_NAMESPACE, type Ack, PROTOCOL_VERSION } from '@splitlora/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCert } from '../../../../tools/cert/self-signed.js';
import type { LogRecord } from '../../src/log.js';
import type { SplitLoraServer } from '../../src/server.js';
import { startTestServer } from '../support/harness.js';

const certs = makeSelfSignedCert(mkdtempSync(join(tmpdir(), 'splitlora-cert-')), ['localhost', '127.0.0.1'], 1);
const ca = readFileSync(certs.cert, 'utf8');
const opened: Socket[] = [];

function open(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const socket = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, ca, ...options });
  opened.push(socket);
  return socket;
}

/** 'connected', or the refusal's message and code. */
function outcome(socket: Socket): Promise<{ message: string; code?: string }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ message: 'connected' }));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve({ message: error.message, ...(error.data?.code ? { code: error.data.code } : {}) }));
  });
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject).end();
  });
}

afterAll(() => opened.forEach((s) => s.disconnect()));

describe('over HTTPS with an allow-list and an invite token', () => {
  let server: SplitLoraServer;
  const logs: LogRecord[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      tls: { cert: ca, key: readFileSync(certs.key) }, logSinks: [{ write: (r) => logs.push(r) }],
      access: { allowedOrigins: ['https://allowed.example'], inviteToken: 'invite-1234' },
    });
  });
  afterAll(() => server.close());

  it('serves HTTPS and accepts volunteers with the invite over WSS, from no origin or an allowed one', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${server.url}/healthz`, {});
    expect(JSON.parse(health.body).ok).toBe(true);
    expect(JSON.parse((await get(`${server.url}/api/run`, {})).body).inviteRequired).toBe(true);
    expect(await outcome(open(server.url, { auth: { invite: 'invite-1234' } }))).toEqual({ message: 'connected' });
    const allowed = open(server.url, { auth: { invite: 'invite-1234' }, extraHeaders: { origin: 'https://allowed.example' } });
    expect(await outcome(allowed)).toEqual({ message: 'connected' });
    const reply = (await allowed.timeout(10_000).emitWithAck('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node' })) as Ack<{ clientId: string }>;
    expect(reply.ok).toBe(true);
  });

  it('refuses a volunteer without the invite, and a foreign page, with a sentence', async () => {
    const noInvite = await outcome(open(server.url));
    expect(noInvite.code).toBe('INVITE_REQUIRED');
    expect(noInvite.message).toContain('open the invite link');
    expect((await outcome(open(server.url, { auth: { invite: 'wrong-invite' } }))).code).toBe('INVITE_REQUIRED');
    const foreign = await outcome(open(server.url, { auth: { invite: 'invite-1234' }, extraHeaders: { origin: 'https://evil.example' } }));
    expect(foreign.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(foreign.message).toContain('Pages at https://evil.example may not connect to this server (allowed: https://allowed.example)');
    const foreignAdmin = await outcome(open(`${server.url}${ADMIN_NAMESPACE}`, { auth: { token: 'test-token' }, extraHeaders: { origin: 'https://evil.example' } }));
    expect(foreignAdmin.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('answers socket.io polling for no foreign origin (no echoed Origin)', async () => {
    const path = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const foreign = await get(path, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('Pages at https://evil.example may not connect');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await get(path, { origin: 'https://allowed.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://allowed.example');
  });

  it('throttles wrong admin tokens: one log line per burst, a lock after 10 even for the right token', async () => {
    for (let i = 0; i < 10; i++) expect((await outcome(open(`${server.url}${ADMIN_NAMESPACE}`, { auth: { token: `wrong-${i}` } }))).message).toBe('UNAUTHORIZED');
    const locked = await outcome(open(`${server.url}${ADMIN_NAMESPACE}`, { auth: { token: 'test-token' } }));
    expect(locked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.message).toMatch(/too many wrong admin tokens from this address; try again in \d+ s/);
    expect(logs.filter((r) => r.message.includes('admin connection refused'))).toHaveLength(1);
  });
});

describe('per-address limits', () => {
  let server: SplitLoraServer;
  beforeAll(async () => {
    server = await startTestServer({ access: { addressLimits: { connectionsPerAddress: 2, joinsPerMinute: 2 } } });
  });
  afterAll(() => server.close());

  it('refuses a third connection from one address and a third join within a minute', async () => {
    const first = open(server.url);
    const second = open(server.url);
    expect(await outcome(first)).toEqual({ message: 'connected' });
    expect(await outcome(second)).toEqual({ message: 'connected' });
    expect((await outcome(open(server.url))).message).not.toBe('connected');
    const join = async () => (await first.timeout(10_000).emitWithAck('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node' })) as Ack<unknown>;
    expect((await join()).ok).toBe(true);
    expect((await join()).ok).toBe(true);
    const third = await join();
    expect(third).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!third.ok && third.error.message).toMatch(/too many joins from .* \(at most 2 a minute\)/);
    second.disconnect();
    await expect.poll(() => server.io.engine.clientsCount).toBe(1);
    expect(await outcome(open(server.url))).toEqual({ message: 'connected' });
  });
});

describe('the connection limit, as a page learns it', () => {
  let server: SplitLoraServer;
  beforeAll(async () => {
    server = await startTestServer({ access: { addressLimits: { connectionsPerAddress: 1 } } });
  });
  afterAll(() => server.close());

  it('refuses the WebSocket without a readable reason, and GET /api/connection-check says why and what to do', async () => {
    const check = async () => (await (await fetch(`${server.url}/api/connection-check`)).json()) as { refusal: { code: string; message: string } | null };
    expect(await check()).toEqual({ refusal: null });
    const first = open(server.url);
    expect(await outcome(first)).toEqual({ message: 'connected' });
    const refused = await outcome(open(server.url));
    expect(refused).toEqual({ message: 'websocket error' }); // all a browser's WebSocket learns of the HTTP 403
    const { refusal } = await check();
    expect(refusal?.code).toBe('TOO_MANY_CONNECTIONS');
    expect(refusal?.message).toBe('The server refused this tab\'s connection: your address (127.0.0.1) already has 1 open connection to it, '
      + 'and it allows at most 1. Close other tabs of this page (or other volunteers on your network), then reload this page.');
    first.disconnect();
    await expect.poll(check).toEqual({ refusal: null });
  });
});
