// Acks become promises: data on ok, ProtocolError with code and message on error, a timeout when no ack comes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError, type AckCallback } from '@splitlora/protocol';
import { ackPromise, RequestTimeoutError } from './ack-promise.js';

afterEach(() => vi.useRealTimers());

describe('ackPromise', () => {
  it('resolves with the data of an ok ack', async () => {
    await expect(ackPromise<number>('x', (ack) => ack({ ok: true, data: 7 }), 1000)).resolves.toBe(7);
  });

  it('rejects with the server error code and message', async () => {
    const failing = ackPromise<number>('run:create', (ack) => ack({ ok: false, error: { code: 'BAD_REQUEST', message: 'cut: too big' } }), 1000);
    await expect(failing).rejects.toBeInstanceOf(ProtocolError);
    await expect(failing).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'cut: too big' });
  });

  it('rejects after the timeout and ignores a late ack', async () => {
    vi.useFakeTimers();
    let late: AckCallback<number> | undefined;
    const pending = ackPromise<number>('generate', (ack) => { late = ack; }, 5000);
    vi.advanceTimersByTime(5000);
    await expect(pending).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(pending).rejects.toThrow('no answer to generate within 5 s');
    expect(() => late?.({ ok: true, data: 1 })).not.toThrow();
  });
});
