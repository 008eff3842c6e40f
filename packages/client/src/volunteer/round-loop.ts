// One round of local training against the server: each step's forward, its activations up, the gradient back, the
// backward; then the adapter upload. It waits out the volunteer's pause and the organiser's, asks again when the
// server is busy or slow on a live connection, and gives the round up when it moved on or the connection dropped.
import { clippedUpdate, type NamedHostTensors } from '@splitlora/core';
import {
  isProtocolError, ConnectionLostError, decodeFloatFrame, MESSAGE_OVERHEAD_BYTES, type ActivationsResponse, packFrames, type RoundStart, request,
  type TensorFrame, unpackFrames,
} from '@splitlora/protocol';
import { notAppliedText } from './not-applied-text.js';
import type { PendingStep } from '../pending-step.js';
import type { RoundTrainer, SplitRoundTrainer } from '../round-trainer.js';
import { maskedBytes, type SecAggParticipant } from './secagg-participant.js';
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
  /** This round's secure aggregation (when the run uses it): the update leaves only masked. */
  secagg?: SecAggParticipant | null;
  /** Sees the (clipped) update before it is masked: for tests and benchmarks; it never leaves the volunteer. */
  observeUpdate?: (round: number, update: Float64Array) => void;
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

/** Sends the round's update (the adapter, or the trained block with the versions the tab holds; masked under secure aggregation). */
export async function uploadUpdate(msg: RoundStart, trainer: RoundTrainer, host: RoundLoopHost): Promise<void> {
  const { progress } = host;
  const frames = await trainer.updateFrames();
  const report = { tokens: Math.max(1, progress.tokens), meanLoss: progress.tokens > 0 ? progress.lossSum / progress.tokens : 0, seconds: progress.seconds };
  if (msg.secureAggregation !== undefined) {
    await sendMasked(msg, frames, report, host);
    return;
  }
  const versions = trainer.blockVersions();
  host.status('uploading', `sending your ${versions === undefined ? 'adapter' : 'trained block'} for round ${msg.round}`);
  const adapter = packFrames(frames);
  const adapterBytes = adapter.data.byteLength;
  if (adapterBytes + MESSAGE_OVERHEAD_BYTES > host.maxMessageBytes) {
    throw new Error(`the update of ${adapterBytes} bytes exceeds the server's message limit of ${host.maxMessageBytes} bytes`);
  }
  try {
    await request(host.socket, 'round:update', {
      stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, adapter, ...report,
      ...(versions === undefined ? {} : { blockVersions: versions }),
    }, host.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
    throw error;
  }
  host.traffic();
  if (host.live()) host.status('waiting', `round ${msg.round} done — waiting for the other volunteers`);
}

/** Secure aggregation: the update (adapter − start, clipped to the DP clip norm if any) goes up masked, with the report. */
async function sendMasked(msg: RoundStart, frames: TensorFrame[], report: { tokens: number; meanLoss: number; seconds: number }, host: RoundLoopHost): Promise<void> {
  const secagg = host.secagg;
  if (secagg == null) throw new Error(`round ${msg.round} uses secure aggregation, but this volunteer has no secure-aggregation session for it`);
  host.status('uploading', `masking your update for round ${msg.round} (secure aggregation)`);
  const table = (list: readonly TensorFrame[]): NamedHostTensors => Object.fromEntries(list.map((f) => [f.name, { shape: f.shape, data: decodeFloatFrame(f) }]));
  const { update } = clippedUpdate(table(frames), table(unpackFrames(msg.adapter)), msg.secureAggregation!.clipNorm ?? Infinity);
  host.observeUpdate?.(msg.round, update);
  let masked: Uint32Array;
  try {
    masked = await secagg.submit(update);
  } catch (error) {
    host.notApplied(`the update of round ${msg.round} was not aggregated: ${(error as Error).message}`);
    return;
  }
  if (!host.live()) return;
  try {
    await request(host.socket, 'secagg:masked-input', { stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, masked: maskedBytes(masked), ...report }, host.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
    throw error;
  }
  host.traffic();
  if (host.live()) host.status('waiting', `round ${msg.round} done — waiting for the other volunteers (secure aggregation)`);
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
