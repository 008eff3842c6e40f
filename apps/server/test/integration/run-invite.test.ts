// Invite tokens per run: a run created invite-only gets its own token (shown to the admin, never on /api/run);
// volunteers without it are refused with a sentence, ones connected before it are dropped; the next run gets a new
// token (the old one stops working), and a resumed run keeps its token.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Ack, PROTOCOL_VERSION } from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplitLoraServer } from '../../src/server.js';
import { type AdminSocket, adminRequest, connectAdmin, startTestServer, testRunConfig } from '../support/harness.js';

const opened: Socket[] = [];

function open(url: string, invite?: string): Socket {
  const socket = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, ...(invite === undefined ? {} : { auth: { invite } }) });
  opened.push(socket);
  return socket;
}

/** 'connected', or the refusal's code. */
function outcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
  });
}

async function publicRun(url: string): Promise<{ text: string; inviteRequired: boolean }> {
  const text = await (await fetch(`${url}/api/run`)).text();
  return { text, inviteRequired: (JSON.parse(text) as { inviteRequired: boolean }).inviteRequired };
}

describe('invite tokens per run', () => {
  let server: SplitLoraServer;
  let admin: AdminSocket;
  const runsDir = mkdtempSync(join(tmpdir(), 'splitlora-invite-runs-'));
  beforeAll(async () => {
    server = await startTestServer({ runsDir });
    admin = await connectAdmin(server.url);
  });
  afterAll(async () => {
    opened.forEach((s) => s.disconnect());
    admin?.disconnect();
    await server?.close();
  });

  it('an invite-only run refuses volunteers without its token and drops the ones already connected', async () => {
    expect((await publicRun(server.url)).inviteRequired).toBe(false);
    const early = open(server.url);
    expect(await outcome(early)).toBe('connected');
    const dropped = new Promise<string>((resolve) => early.once('disconnect', (reason) => resolve(reason)));

    const run = await adminRequest(admin, 'run:create', testRunConfig({ inviteOnly: true, evalData: null }));
    expect(run.invite).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await dropped).toBe('transport close');

    const overview = await publicRun(server.url);
    expect(overview.inviteRequired).toBe(true);
    expect(overview.text).not.toContain(run.invite!);
    expect(await outcome(open(server.url))).toBe('INVITE_REQUIRED');
    expect(await outcome(open(server.url, 'not-the-invite-token'))).toBe('INVITE_REQUIRED');
    const invited = open(server.url, run.invite!);
    expect(await outcome(invited)).toBe('connected');
    const joined = (await invited.timeout(10_000).emitWithAck('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node' })) as Ack<{ clientId: string }>;
    expect(joined.ok).toBe(true);
  });

  it('the next run gets a new token, the old one stops working, and an open run takes anyone again', async () => {
    const first = server.host.require();
    await adminRequest(admin, 'run:stop', { runId: first.runId });
    const second = await adminRequest(admin, 'run:create', testRunConfig({ inviteOnly: true, evalData: null }));
    expect(second.invite).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(second.invite).not.toBe(first.invite);
    expect(await outcome(open(server.url, first.invite!))).toBe('INVITE_REQUIRED');
    expect(await outcome(open(server.url, second.invite!))).toBe('connected');

    await adminRequest(admin, 'run:stop', { runId: second.runId });
    const open3 = await adminRequest(admin, 'run:create', testRunConfig({ evalData: null }));
    expect(open3.invite).toBeNull();
    expect((await publicRun(server.url)).inviteRequired).toBe(false);
    expect(await outcome(open(server.url))).toBe('connected');
  });

  it('a resumed run keeps its token', async () => {
    const current = server.host.require();
    await adminRequest(admin, 'run:stop', { runId: current.runId });
    const invited = await adminRequest(admin, 'run:create', testRunConfig({ inviteOnly: true, evalData: null }));
    await adminRequest(admin, 'run:stop', { runId: invited.runId });
    const resumed = await server.host.resume(join(runsDir, invited.runId));
    expect(resumed.invite).toBe(invited.invite);
    expect(await outcome(open(server.url, invited.invite!))).toBe('connected');
  });
});
