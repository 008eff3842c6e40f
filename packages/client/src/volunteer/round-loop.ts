// One round of local training against the server: each step's exchanges (standard: activations, targets and mask
// up, the gradient back; u-shaped: u-shaped-exchanges.ts), then the adapter upload. It waits out the volunteer's
// pause (send-with-retry.ts: the organiser's, a busy server) and gives the round up when it moved on.
import { isProtocolError, ConnectionLostError, type HeldOutReport, MESSAGE_OVERHEAD_BYTES, type RoundStart, request } from '@splitlora/protocol';
import type { LocalTrainer } from '../local-trainer.js';
import { UShapedTrainer } from '../u-shaped-trainer.js';
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
}

export async function trainRound(msg: RoundStart, trainer: LocalTrainer, host: RoundLoopHost): Promise<void> {
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
  host.status('uploading', `sending your adapter for round ${msg.round}`);
  const frames = await trainer.adapterFrames();
  const adapterBytes = frames.reduce((s, f) => s + f.data.byteLength, 0);
  if (adapterBytes + MESSAGE_OVERHEAD_BYTES > host.maxMessageBytes) {
    throw new Error(`the adapter update of ${adapterBytes} bytes exceeds the server's message limit of ${host.maxMessageBytes} bytes`);
  }
  try {
    await request(host.socket, 'round:update', {
      stamp: { runId: msg.runId, round: msg.round, step: msg.localSteps }, adapter: frames,
      tokens: Math.max(1, progress.tokens), seconds: progress.seconds,
      // U-shaped: the training loss stays in the tab; only the held-out evaluation is reported.
      ...(trainer instanceof UShapedTrainer ? { heldOut } : { meanLoss: progress.tokens > 0 ? progress.lossSum / progress.tokens : 0 }),
    }, host.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'RUN_STATE')) return;
    throw error;
  }
  host.traffic();
  if (host.live()) host.status('waiting', `round ${msg.round} done — waiting for the other volunteers`);
}

/** One standard step: activations, targets and mask up, the gradient at the cut down; null when not applied. */
async function standardStep(msg: RoundStart, step: number, trainer: LocalTrainer, host: RoundLoopHost): Promise<{ loss: number; tokens: number } | null> {
  const pending = await trainer.forward(msg.seed, step);
  const bytes = pending.activations.data.byteLength + pending.targets.data.byteLength + pending.lossMask.data.byteLength;
  const result = await sendWithRetry(msg, step, bytes, host, () => request(host.socket, 'train:activations', {
    stamp: { runId: msg.runId, round: msg.round, step }, activations: pending.activations, targets: pending.targets, lossMask: pending.lossMask,
  }, host.timeoutMs));
  if (result === null || !host.live()) return null;
  await trainer.backward(pending, result.gradient, msg.globalStepBase + step);
  return { loss: result.loss, tokens: pending.batch.tokens };
}
