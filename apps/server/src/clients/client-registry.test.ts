// ClientRegistry: one session per connection however often it joins, a resume token brings the session to a new
// connection, a disconnect marks it gone, and long-gone sessions are forgotten.
import { describe, expect, it } from 'vitest';
import { ClientRegistry } from './client-registry.js';

describe('ClientRegistry', () => {
  it('answers a repeated join on the same connection with the same session', () => {
    const registry = new ClientRegistry();
    const first = registry.join('socket-a', 'webgpu', 'Ada', undefined, 1);
    const again = registry.join('socket-a', 'webgpu', 'Ada', undefined, 2);
    expect(first.resumed).toBe(false);
    expect(again.resumed).toBe(true);
    expect(again.record.id).toBe(first.record.id);
    expect(registry.online()).toBe(1);
    expect(registry.list(new Set())).toHaveLength(1);
  });

  it('moves a session to a new connection with its resume token', () => {
    const registry = new ClientRegistry();
    const { record } = registry.join('socket-a', 'wasm', undefined, undefined, 1);
    expect(registry.disconnected('socket-a', 5)?.state).toBe('disconnected');
    expect(registry.online()).toBe(0);
    const back = registry.join('socket-b', 'wasm', undefined, record.resumeToken, 6);
    expect(back).toMatchObject({ resumed: true, record: { id: record.id, socketId: 'socket-b', state: 'connected' } });
    expect(registry.bySocket('socket-a')).toBeUndefined();
    expect(registry.bySocket('socket-b')?.id).toBe(record.id);
  });

  it('gives an unknown resume token a new session', () => {
    const registry = new ClientRegistry();
    const { record, resumed } = registry.join('socket-a', 'cpu', undefined, 'f'.repeat(32), 1);
    expect(resumed).toBe(false);
    expect(record.resumeToken).not.toBe('f'.repeat(32));
  });

  it('forgets sessions gone longer than the limit, not connected ones', () => {
    const registry = new ClientRegistry();
    const gone = registry.join('socket-a', 'cpu', undefined, undefined, 0).record;
    registry.join('socket-b', 'cpu', undefined, undefined, 0);
    registry.disconnected('socket-a', 10);
    registry.prune(1_000, 500);
    expect(registry.list(new Set()).map((c) => c.id)).not.toContain(gone.id);
    expect(registry.online()).toBe(1);
    expect(registry.join('socket-c', 'cpu', undefined, gone.resumeToken, 1_001).resumed).toBe(false);
  });

  it('refuses a second session on one connection, whatever token it brings: no ghost stays online', () => {
    const registry = new ClientRegistry();
    const { record } = registry.join('socket-a', 'cpu', undefined, undefined, 0);
    const other = registry.join('socket-b', 'cpu', undefined, undefined, 0).record;
    for (const token of ['f'.repeat(32), other.resumeToken]) {
      expect(() => registry.join('socket-a', 'cpu', undefined, token, 1)).toThrow(/one session per connection/);
    }
    expect(registry.bySocket('socket-a')?.id).toBe(record.id);
    expect(registry.online()).toBe(2);
    registry.disconnected('socket-a', 2);
    registry.disconnected('socket-b', 2);
    expect(registry.online()).toBe(0);
  });

  it('caps the sessions online from one address', () => {
    const registry = new ClientRegistry(2);
    registry.join('a', 'cpu', undefined, undefined, 0, '10.0.0.1');
    const second = registry.join('b', 'cpu', undefined, undefined, 0, '10.0.0.1').record;
    expect(() => registry.join('c', 'cpu', undefined, undefined, 0, '10.0.0.1')).toThrow(/already online from this address/);
    expect(registry.join('d', 'cpu', undefined, undefined, 0, '10.0.0.2').resumed).toBe(false);
    registry.disconnected('b', 1);
    expect(registry.join('e', 'cpu', undefined, second.resumeToken, 2, '10.0.0.1').resumed).toBe(true);
    expect(() => registry.join('f', 'cpu', undefined, undefined, 3, '10.0.0.1')).toThrow(/already online/);
  });
});
