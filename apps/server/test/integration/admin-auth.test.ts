// The admin namespace refuses connections without the right token; volunteers cannot reach admin events.
import { type Ack, ADMIN_NAMESPACE } from '@splitlora/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SplitLoraServer } from '../../src/server.js';
import { adminRequest, connectAdmin, startTestServer } from '../support/harness.js';

let server: SplitLoraServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function refusal(auth: Record<string, unknown> | undefined): Promise<string> {
  const socket = io(`${server.url}${ADMIN_NAMESPACE}`, { forceNew: true, transports: ['websocket'], reconnection: false, ...(auth ? { auth } : {}) });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  } finally {
    socket.disconnect();
  }
}

it('refuses a missing or wrong token, and accepts the right one', async () => {
  expect(await refusal(undefined)).toBe('UNAUTHORIZED');
  expect(await refusal({ token: 'wrong' })).toBe('UNAUTHORIZED');
  expect(await refusal({ token: 'test-token-but-longer' })).toBe('UNAUTHORIZED');
  const admin = await connectAdmin(server.url);
  const snapshot = await adminRequest(admin, 'admin:snapshot', {});
  expect(snapshot.server.models).toContain('tiny');
  expect(snapshot.server.dataFiles).toContain('e2e/testset_w_refs.csv');
  admin.disconnect();
});

it('does not expose admin events on the volunteer namespace', async () => {
  const socket = io(server.url, { forceNew: true, transports: ['websocket'], reconnection: false });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const event of ['run:create', 'run:start', 'run:stop', 'adapter:download', 'generate']) {
    const ack = (await socket.timeout(10_000).emitWithAck(event, {})) as Ack<unknown>;
    expect(ack.ok ? 'OK' : ack.error.code, event).toBe('UNKNOWN_EVENT');
  }
  socket.disconnect();
});

it('validates run configs and explains what is wrong', async () => {
  const admin = await connectAdmin(server.url);
  await expect(adminRequest(admin, 'run:create', { model: 'tiny', cut: 9 })).rejects.toThrow('cut: cut layer 9 out of range 1..5 for tiny');
  await expect(adminRequest(admin, 'run:create', { model: 'tiny', minClients: 5, maxClients: 2 })).rejects.toThrow('minClients 5 exceeds maxClients 2');
  // @ts-expect-error an unknown key: the compiler refuses it, and so does the server for a client that sends it anyway
  await expect(adminRequest(admin, 'run:create', { model: 'tiny', lroptimizer: 1 })).rejects.toThrow(/Unrecognized key/i);
  await expect(adminRequest(admin, 'run:create', { model: 'hf:missing' })).rejects.toThrow(/no Hugging Face model folder missing/);
  await expect(adminRequest(admin, 'run:start', { runId: 'nope' })).rejects.toThrow(/there is no run/);
  admin.disconnect();
});
