// One round with the whole model in the tab (FedCyBGD's block, or federated LoRA's adapter): the steps run locally,
// each reported to the server (loss and tokens: the round's weight and the dashboard's chart), then the trained block
// or adapter is uploaded. Pauses, a round that moved on and a dropped connection are handled as in the split loop.
import { ConnectionLostError, isProtocolError, type RoundStart, request } from '@splitlora/protocol';
import type { LocalRoundTrainer } from '../round-trainer.js';
import { type RoundLoopHost, uploadUpdate } from './round-loop.js';
import { RETRY_PAUSE_MS, sleep } from './send-with-retry.js';

export async function trainLocalRound(msg: RoundStart, trainer: LocalRoundTrainer, host: RoundLoopHost): Promise<void> {
  const { progress } = host;
  const what = msg.blockTask === undefined ? 'your LoRA adapter on the whole model' : `block ${msg.blockTask.block}`;
  host.status('training', `training ${what} in round ${msg.round} of ${msg.rounds}`);
  while (progress.stepsDone < msg.localSteps) {
    await host.waitUntil(() => !host.pausedByVolunteer());
    if (!host.live()) return;
    const step = progress.stepsDone;
    const started = Date.now();
    await sleep(0); // let queued messages through before computing again
    if (!host.live()) return;
    const { loss, tokens } = await trainer.localStep(msg.seed, step, msg.globalStepBase + step);
    if (!(await reportStep(msg, step, loss, tokens, host)) || !host.live()) return;
    host.stepDone(step, loss, tokens, (Date.now() - started) / 1000);
    host.traffic();
  }
  await uploadUpdate(msg, trainer, host);
}

/** Reports a local step; false when the round moved on or the connection dropped. */
async function reportStep(msg: RoundStart, step: number, loss: number, tokens: number, host: RoundLoopHost): Promise<boolean> {
  for (;;) {
    try {
      await request(host.socket, 'train:local-step', { stamp: { runId: msg.runId, round: msg.round, step }, loss, tokens: Math.max(1, tokens) }, host.timeoutMs);
      return true;
    } catch (error) {
      if ((error instanceof ConnectionLostError && host.socket.connected) || isProtocolError(error, 'UNAVAILABLE')) {
        if (!host.live()) return false;
        await sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (error instanceof ConnectionLostError || isProtocolError(error, 'STALE', 'NOT_SELECTED', 'NOT_JOINED')) {
        host.notApplied(`step ${step} of round ${msg.round} not applied: ${(error as Error).message}`);
        return false;
      }
      if (isProtocolError(error, 'RUN_STATE')) {
        host.status('waiting', 'the organiser paused the run');
        await host.waitUntil(() => !host.pausedByOrganiser());
        if (!host.live()) return false;
        continue;
      }
      throw error;
    }
  }
}
