// requestOver() (what the typed request runs): unwraps acks, turns silence into ConnectionLostError, and sends a
// rate-limited request again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError } from './error-codes.js';
import { ConnectionLostError, RATE_LIMIT_RETRIES, RequestTimeoutError, requestOver as request } from './request.js';

/** A socket whose server answers from a script of acks (or never, for `'silence'`). */
function scriptedSocket(answers: unknown[]) {
  const sent: unknown[] = [];
  return {
    sent,
    connected: true,
    timeout: (ms: number) => ({
      emitWithAck: (_event: string, payload: unknown) => {
        sent.push(payload);
        const answer = answers.shift();
        if (answer === 'silence') return new Promise((_, reject) => setTimeout(() => reject(new Error('operation has timed out')), ms));
        return Promise.resolve(answer);
      },
    }),
  };
}

const limited = { ok: false, error: { code: 'RATE_LIMITED', message: 'too many messages; slow down' } };

describe('request', () => {
  it('returns the data of an ok ack and throws the protocol error of a failed one', async () => {
    expect(await request(scriptedSocket([{ ok: true, data: { x: 1 } }]), 'e', {}, 1000)).toEqual({ x: 1 });
    await expect(request(scriptedSocket([{ ok: false, error: { code: 'STALE', message: 'old round' } }]), 'e', {}, 1000)).rejects.toMatchObject({ code: 'STALE' });
  });

  it('sends a rate-limited request again until it is answered', async () => {
    const socket = scriptedSocket([limited, limited, { ok: true, data: 'done' }]);
    expect(await request(socket, 'asset:chunk', { index: 3 }, 1000)).toBe('done');
    expect(socket.sent).toEqual([{ index: 3 }, { index: 3 }, { index: 3 }]);
  });

  it('gives up after the retries with the rate-limit error', async () => {
    const socket = scriptedSocket(Array.from({ length: RATE_LIMIT_RETRIES + 1 }, () => limited));
    const started = Date.now();
    await expect(request(socket, 'e', {}, 1000)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(socket.sent).toHaveLength(RATE_LIMIT_RETRIES + 1);
    expect(Date.now() - started).toBeGreaterThan(1000); // it paused between attempts
  }, 60_000);

  it('reports silence and a closed connection as a lost connection', async () => {
    await expect(request(scriptedSocket(['silence']), 'e', {}, 20)).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(request({ ...scriptedSocket([]), connected: false }, 'e', {}, 20)).rejects.toBeInstanceOf(ConnectionLostError);
  });
});

// Moved from the dashboard's own ack helper (apps/admin/src/ack-promise.test.ts) when the dashboard took this request.
describe('request as the dashboard uses it', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves with the data of an ok ack', async () => {
    await expect(request(scriptedSocket([{ ok: true, data: 7 }]), 'x', {}, 1000)).resolves.toBe(7);
  });

  it('rejects with the server error code and message', async () => {
    const failing = request(scriptedSocket([{ ok: false, error: { code: 'BAD_REQUEST', message: 'cut: too big' } }]), 'run:create', {}, 1000);
    await expect(failing).rejects.toBeInstanceOf(ProtocolError);
    await expect(failing).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'cut: too big' });
  });

  it('rejects after the timeout with a message naming the event', async () => {
    vi.useFakeTimers();
    const pending = request(scriptedSocket(['silence']), 'generate', {}, 5000);
    const settled = expect(pending).rejects.toBeInstanceOf(RequestTimeoutError);
    await vi.advanceTimersByTimeAsync(5000);
    await settled;
    await expect(pending).rejects.toThrow('no answer to generate within 5 s');
  });
});
