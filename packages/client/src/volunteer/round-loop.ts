// One round of local training against the server: each step's exchanges (standard: activations, targets and mask
// up, the gradient back; u-shaped: u-shaped-exchanges.ts), then the adapter upload (in the clear, or masked under
// secure aggregation; block methods: the trained block, local-round-loop.ts for cybgd). It waits out the volunteer's pause (send-with-retry.ts: the organiser's, a busy server) and
// gives the round up when it moved on.
import { clippedUpdate, type NamedHostTensors } from '@splitlora/core';
import {
  isProtocolError, ConnectionLostError, decodeFloatFrame, type HeldOutReport, MESSAGE_OVERHEAD_BYTES, packFrames, type RoundStart, request,
  type TensorFrame, unpackFrames,
} from '@splitlora/protocol';
import type { RoundTrainer, SplitRoundTrainer } from '../round-trainer.js';
import { UShapedTrainer } from '../u-shaped-trainer.js';
import { maskedBytes, type SecAggParticipant } from './secagg-participant.js';
import { sendWithRetry, sleep } from './send-with-retry.js';
import { evaluateHeldOut, uShapedStep } from './u-shaped-exchanges.js';
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
    const done = trainer instanceof UShapedTrainer ? await uShapedStep(msg, step, trainer, host) : await standardStep(msg, step, trainer, host);
    if (done === null || !host.live()) return;
    host.stepDone(step, done.loss, done.tokens, (Date.now() - started) / 1000);
    host.traffic();
  }
  let heldOut: HeldOutReport | undefined;
  if (trainer instanceof UShapedTrainer && trainer.heldOutBatches.length > 0) {
    host.status('training', `evaluating round ${msg.round} on your held-out text`);
    heldOut = (await evaluateHeldOut(msg, trainer, host)) ?? undefined;
    if (!host.live()) return;
  }
  await uploadUpdate(msg, trainer, host, heldOut);
}

/**
 * Sends the round's update (the adapter, or the trained block with the versions the tab holds; masked under secure
 * aggregation). U-shaped: the training loss stays in the tab; only `heldOut`, its held-out evaluation, is reported.
 */
export async function uploadUpdate(msg: RoundStart, trainer: RoundTrainer, host: RoundLoopHost, heldOut?: HeldOutReport): Promise<void> {
  const { progress } = host;
  const uShaped = trainer instanceof UShapedTrainer;
  const frames = await trainer.updateFrames();
  const report = { tokens: Math.max(1, progress.tokens), meanLoss: progress.tokens > 0 ? progress.lossSum / progress.tokens : 0, seconds: progress.seconds };
  if (msg.secureAggregation !== undefined) {
    // The run config refuses secure aggregation in the u-shaped layout: its masked report would carry the training loss.
    if (uShaped) throw new Error(`round ${msg.round} uses secure aggregation, which the u-shaped layout does not support`);
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
      stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, adapter, tokens: report.tokens, seconds: report.seconds,
      ...(uShaped ? { heldOut } : { meanLoss: report.meanLoss }),
      ...(versions === undefined ? {} : { blockVersions: versions }),
    }, host.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
    throw error;
  }
  host.traffic();
  if (host.live()) host.status('waiting', `round ${msg.round} done — waiting for the other volunteers`);
}

/** One standard step: activations, targets and mask up, the gradient at the cut down; null when not applied. */
async function standardStep(msg: RoundStart, step: number, trainer: SplitRoundTrainer, host: RoundLoopHost): Promise<{ loss: number; tokens: number } | null> {
  const pending = await trainer.forward(msg.seed, step);
  const bytes = pending.activations.data.byteLength + pending.targets.data.byteLength + pending.lossMask.data.byteLength;
  const result = await sendWithRetry(msg, step, bytes, host, () => request(host.socket, 'train:activations', {
    stamp: { runId: msg.runId, round: msg.round, step }, activations: pending.activations, targets: pending.targets, lossMask: pending.lossMask,
  }, host.timeoutMs));
  if (result === null || !host.live()) return null;
  await trainer.backward(pending, result.gradient, msg.globalStepBase + step);
  return { loss: result.loss, tokens: pending.batch.tokens };
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
