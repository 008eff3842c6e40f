// One session per connection, tied to its liveness, at most a few per address; and a message's binary parts count
// towards the message size limit.
import { type Ack, type JoinResponse, PROTOCOL_VERSION } from '@splitlora/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { useServerWithAdmin } from '../support/harness.js';

const LIMIT = 4 * 1024 * 1024;
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

async function connect(url: string): Promise<Socket> {
  const socket = io(url, { forceNew: true, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const join = async (socket: Socket, resumeToken?: string) =>
  (await socket.timeout(30_000).emitWithAck('session:join', { protocolVersion: PROTOCOL_VERSION, backend: 'node', resumeToken })) as Ack<JoinResponse>;
const code = (ack: Ack<unknown>) => (ack.ok ? 'OK' : ack.error.code);

describe('sessions', () => {
  const ctx = useServerWithAdmin({ maxSessionsPerAddress: 3, maxMessageBytes: LIMIT });

  it('keeps one session per connection however often it joins, online only while connected', async () => {
    const server = ctx.server();
    const socket = await connect(server.url);
    const first = await join(socket);
    expect(first.ok).toBe(true);
    for (let i = 0; i < 20; i++) expect(code(await join(socket, `${i}`.padStart(32, 'f')))).toBe('TOO_MANY_SESSIONS');
    const again = await join(socket);
    expect(again.ok && first.ok && again.data.clientId === first.data.clientId).toBe(true);
    expect(server.registry.online()).toBe(1);
    socket.disconnect();
    for (let i = 0; i < 100 && server.registry.online() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.registry.online()).toBe(0);
  });

  it('caps the sessions online from one address', async () => {
    const server = ctx.server();
    const held = await Promise.all([0, 1, 2].map(() => connect(server.url)));
    for (const s of held) expect(code(await join(s))).toBe('OK');
    const fourth = await connect(server.url);
    expect(code(await join(fourth))).toBe('TOO_MANY_SESSIONS');
    held[0]!.disconnect();
    for (let i = 0; i < 100 && server.registry.online() > 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(code(await join(fourth))).toBe('OK');
  });
});

describe('message size', () => {
  const ctx = useServerWithAdmin({ maxMessageBytes: LIMIT });

  it('counts binary attachments: a message whose parts together exceed the limit is refused with TOO_LARGE', async () => {
    const socket = await connect(ctx.server().url);
    const errors: { code: string }[] = [];
    socket.on('protocol:error', (e: { code: string }) => errors.push(e));
    const closed = new Promise<void>((r) => socket.once('disconnect', () => r()));
    // Nine parts of 1 MiB: each below the 4 MiB limit that socket.io checks per packet, 9 MiB together.
    const parts = Array.from({ length: 9 }, () => new Uint8Array(1024 * 1024));
    socket.emit('round:update', { stamp: { runId: 'x', round: 1, step: 1 }, adapter: { tensors: [], data: parts[0] }, extra: parts.slice(1) }, () => undefined);
    await closed;
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    // A message within the limit on a new connection is still answered.
    const fresh = await connect(ctx.server().url);
    expect(code(await join(fresh))).toBe('OK');
  });
});
