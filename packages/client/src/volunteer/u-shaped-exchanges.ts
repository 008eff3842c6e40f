// A u-shaped round's exchanges with the server: per step the cut activations up and the server's output down, then
// the gradient of that output up and the gradient at the cut down; after the local steps, the held-out batches'
// activations up and outputs down. Targets, mask and per-step losses stay in the tab.
import { type HeldOutReport, request, type RoundStart } from '@splitlora/protocol';
import type { UShapedTrainer } from '../u-shaped-trainer.js';
import type { RoundLoopHost } from './round-loop.js';
import { sendWithRetry } from './send-with-retry.js';

/** One u-shaped step; null when the round moved on or the connection dropped. */
export async function uShapedStep(msg: RoundStart, step: number, trainer: UShapedTrainer, host: RoundLoopHost): Promise<{ loss: number; tokens: number } | null> {
  const stamp = { runId: msg.runId, round: msg.round, step };
  const pending = await trainer.cutForward(msg.seed, step);
  try {
    const forward = await sendWithRetry(msg, step, pending.activations.data.byteLength, host,
      () => request(host.socket, 'ushaped:forward', { stamp, activations: pending.activations }, host.timeoutMs));
    if (forward === null || !host.live()) return null;
    const { loss, gradient } = await trainer.headStep(pending, forward.output);
    host.traffic();
    const backward = await sendWithRetry(msg, step, gradient.data.byteLength, host,
      () => request(host.socket, 'ushaped:backward', { stamp, gradient }, host.timeoutMs));
    if (backward === null || !host.live()) return null;
    await trainer.cutBackward(pending, backward.gradient, msg.globalStepBase + step);
    return { loss, tokens: pending.batch.tokens };
  } finally {
    trainer.discard(pending);
  }
}

/** The tab's loss on its held-out share with the adapters it trained this round; null without held-out data. */
export async function evaluateHeldOut(msg: RoundStart, trainer: UShapedTrainer, host: RoundLoopHost): Promise<HeldOutReport | null> {
  let lossSum = 0;
  let tokens = 0;
  for (const [batch, examples] of trainer.heldOutBatches.entries()) {
    if (!host.live()) return null;
    const activations = await trainer.evalActivations(examples);
    const answer = await sendWithRetry(msg, msg.localSteps, activations.data.byteLength, host,
      () => request(host.socket, 'ushaped:eval', { stamp: { runId: msg.runId, round: msg.round, batch }, activations }, host.timeoutMs));
    if (answer === null) return null;
    lossSum += (await trainer.evalLoss(examples, answer.output)) * examples.tokens;
    tokens += examples.tokens;
    host.traffic();
  }
  return tokens > 0 ? { meanLoss: lossSum / tokens, tokens } : null;
}
