// Sends one training message of a round: refuses one over the server's message limit, asks again when the server is
// busy or slow on a live connection (a message it already answered comes back from its cache, never trained twice),
// waits out the organiser's pause, and gives up (null) when the round moved on or the connection dropped.
import { ConnectionLostError, isProtocolError, MESSAGE_OVERHEAD_BYTES, type RoundStart } from '@splitlora/protocol';
import { notAppliedText } from './not-applied-text.js';
import type { RoundLoopHost } from './round-loop.js';

export const RETRY_PAUSE_MS = 500;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(() => resolve(), ms));

export async function sendWithRetry<T>(msg: RoundStart, step: number, bytes: number, host: RoundLoopHost, send: () => Promise<T>): Promise<T | null> {
  if (bytes + MESSAGE_OVERHEAD_BYTES > host.maxMessageBytes) {
    throw new Error(`a step of ${bytes} bytes exceeds the server's message limit of ${host.maxMessageBytes} bytes (it would drop the connection)`);
  }
  for (;;) {
    try {
      return await send();
    } catch (error) {
      if ((error instanceof ConnectionLostError && host.socket.connected) || isProtocolError(error, 'UNAVAILABLE')) {
        if (!host.live()) return null;
        await sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'NOT_JOINED')) {
        host.notApplied(notAppliedText(error, step, msg.round));
        return null;
      }
      if (isProtocolError(error, 'RUN_STATE')) {
        host.status('waiting', 'the organiser paused the run');
        await host.waitUntil(() => !host.pausedByOrganiser());
        if (!host.live()) return null;
        host.status('training', `training round ${msg.round} of ${msg.rounds}`);
        continue;
      }
      throw error;
    }
  }
}
