// One round of local training against the server: each step's forward, its activations up, the gradient back, the
// backward; then the adapter upload. It waits out the volunteer's pause and the organiser's, asks again when the
// server is busy or slow on a live connection, and gives the round up when it moved on or the connection dropped.
import { isProtocolError, ConnectionLostError, MESSAGE_OVERHEAD_BYTES, type ActivationsResponse, type RoundStart, request } from '@splitlora/protocol';
import type { PendingStep } from '../pending-step.js';
import type { RoundTrainer, SplitRoundTrainer } from '../round-trainer.js';
import type { VolunteerSocket } from '../socket-types.js';
import type { VolunteerStatus } from '../volunteer-events.js';
import type { RoundProgress } from './volunteer-machine.js';

/** What the loop needs from the volunteer running it. */
export interface RoundLoopHost {
  socket: VolunteerSocket;
  timeoutMs: number;
  /** The server's largest accepted message (from the manifest). */
  maxMessageBytes: number;
  /** The round's progress (the machine's), continued after a reconnect. */
  progress: RoundProgress;
  /** Whether this loop is still the current one. */
  live(): boolean;
  /** Resolves once `condition()` holds or the loop is no longer live. */
  waitUntil(condition: () => boolean): Promise<void>;
  pausedByVolunteer(): boolean;
  pausedByOrganiser(): boolean;
  status(status: VolunteerStatus, message: string): void;
  stepDone(step: number, loss: number, tokens: number, seconds: number): void;
  /** A step the server did not apply (the round moved on, the connection dropped): shown, not fatal. */
  notApplied(message: string): void;
  /** Bytes went over the wire (the host reports its traffic). */
  traffic(): void;
}

const RETRY_PAUSE_MS = 500;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(() => resolve(), ms));

export async function trainRound(msg: RoundStart, trainer: SplitRoundTrainer, host: RoundLoopHost): Promise<void> {
  const { progress } = host;
  host.status('training', `training round ${msg.round} of ${msg.rounds}`);
  while (progress.stepsDone < msg.localSteps) {
    await host.waitUntil(() => !host.pausedByVolunteer());
    if (!host.live()) return;
    const step = progress.stepsDone;
    const started = Date.now();
    // Let queued messages (heartbeats, other volunteers in the same thread) through before computing again.
    await sleep(0);
    if (!host.live()) return;
    const pending = await trainer.forward(msg.seed, step);
    const result = await sendStep(msg, step, pending, host);
    if (result === null || !host.live()) return;
    await trainer.backward(pending, result.gradient, msg.globalStepBase + step);
    host.stepDone(step, result.loss, pending.batch.tokens, (Date.now() - started) / 1000);
    host.traffic();
  }
  await uploadUpdate(msg, trainer, host);
}

/** Sends the round's update (the adapter, or the trained block with the versions the tab holds). */
export async function uploadUpdate(msg: RoundStart, trainer: RoundTrainer, host: RoundLoopHost): Promise<void> {
  const { progress } = host;
  const versions = trainer.blockVersions();
  host.status('uploading', `sending your ${versions === undefined ? 'adapter' : 'trained block'} for round ${msg.round}`);
  const frames = await trainer.updateFrames();
  const adapterBytes = frames.reduce((s, f) => s + f.data.byteLength, 0);
  if (adapterBytes + MESSAGE_OVERHEAD_BYTES > host.maxMessageBytes) {
    throw new Error(`the update of ${adapterBytes} bytes exceeds the server's message limit of ${host.maxMessageBytes} bytes`);
  }
  try {
    await request(host.socket, 'round:update', {
      stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, adapter: frames,
      tokens: Math.max(1, progress.tokens), meanLoss: progress.tokens > 0 ? progress.lossSum / progress.tokens : 0, seconds: progress.seconds,
      ...(versions === undefined ? {} : { blockVersions: versions }),
    }, host.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
    throw error;
  }
  host.traffic();
  if (host.live()) host.status('waiting', `round ${msg.round} done — waiting for the other volunteers`);
}

/** Sends one step; waits out a server-side pause; null when the round moved on or the connection dropped. */
async function sendStep(msg: RoundStart, step: number, pending: PendingStep, host: RoundLoopHost): Promise<ActivationsResponse | null> {
  for (;;) {
    const bytes = pending.activations.data.byteLength + pending.targets.data.byteLength + pending.lossMask.data.byteLength;
    if (bytes + MESSAGE_OVERHEAD_BYTES > host.maxMessageBytes) {
      throw new Error(`a step of ${bytes} bytes exceeds the server's message limit of ${host.maxMessageBytes} bytes (it would drop the connection)`);
    }
    try {
      return await request(host.socket, 'train:activations', {
        stamp: { runId: msg.runId, round: msg.round, step }, activations: pending.activations, targets: pending.targets, lossMask: pending.lossMask,
      }, host.timeoutMs);
    } catch (error) {
      if ((error instanceof ConnectionLostError && host.socket.connected) || isProtocolError(error, 'UNAVAILABLE')) {
        // No answer in time on a live connection, or the server is still busy with this step: ask again
        // (a step the server already did is answered from its cache, never trained twice).
        if (!host.live()) return null;
        await sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'NOT_JOINED')) {
        host.notApplied(`step ${step} of round ${msg.round} not applied: ${(error as Error).message}`);
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
