// A u-shaped run's training messages: a step is two exchanges (ushaped:forward, then ushaped:backward with the
// gradient of the server's output), each checked against the round machine's stamps; a replayed message gets its
// cached answer, never a second optimizer step. Held-out evaluation (ushaped:eval) runs the server's blocks without
// dropout after a participant's local steps. The server never sees a target, a mask or a loss.
import {
  type CutForwardRequest, type CutForwardResponse, encodeFloatFrame, type EvalForwardRequest, type EvalForwardResponse,
  type OutputGradientRequest, type OutputGradientResponse, ProtocolError, type RunConfig,
} from '@splitlora/protocol';
import { hashName, mixSeed } from '@splitlora/core';
import type { RoundMachine } from './round-machine.js';
import type { SerialQueue } from './serial-queue.js';
import { type MiddleInput, runMiddleBackward, runMiddleForward } from './server-middle.js';
import type { ServerSplit } from './server-split.js';
import { decodeActivations, decodeGradient } from './step-decoding.js';

export interface UShapedStepDeps {
  runId: string;
  config: RunConfig;
  machine: RoundMachine;
  queue: SerialQueue;
  split: ServerSplit;
  /** A step was completed (its backward answered): the round's bookkeeping; `positions` = B × T. */
  onStep(clientId: string, round: number, step: number, positions: number): void;
}

interface Pending { round: number; step: number; input: MiddleInput; response: CutForwardResponse }
interface Answered { round: number; step: number; response: OutputGradientResponse }

export class UShapedStepService {
  private readonly pending = new Map<string, Pending>();
  private readonly answered = new Map<string, Answered>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: UShapedStepDeps) {}

  async forward(clientId: string, req: CutForwardRequest): Promise<CutForwardResponse> {
    const { stamp } = req;
    this.checkRun(stamp.runId);
    const pending = this.pending.get(clientId);
    if (pending !== undefined && pending.round === stamp.round && pending.step === stamp.step) return pending.response;
    const done = this.answered.get(clientId);
    if (done !== undefined && done.round === stamp.round && done.step === stamp.step) {
      throw new ProtocolError('STALE', `step ${stamp.step} of round ${stamp.round} is already done; send its ushaped:backward again for the answer`);
    }
    const { config, split, queue } = this.deps;
    this.verdict(clientId, stamp.round, stamp.step);
    const { hidden, batch, seqLen } = decodeActivations(req.activations, config, split.plan.config.n_embd);
    const shape: [number, number, number] = [batch, seqLen, split.plan.config.n_embd];
    const input: MiddleInput = { clientId, hidden, shape, dropoutSeed: mixSeed(config.seed, this.globalStep(stamp.round, stamp.step), hashName(clientId)) };
    const output = await this.exclusive(clientId, () => queue.run(() => runMiddleForward(split, input)));
    this.verdict(clientId, stamp.round, stamp.step, ' (the round changed while the step ran)');
    const response: CutForwardResponse = { stamp, output: encodeFloatFrame('output', shape, output, config.wireDtype) };
    this.pending.set(clientId, { round: stamp.round, step: stamp.step, input, response });
    return response;
  }

  async backward(clientId: string, req: OutputGradientRequest): Promise<OutputGradientResponse> {
    const { stamp } = req;
    this.checkRun(stamp.runId);
    const done = this.answered.get(clientId);
    if (done !== undefined && done.round === stamp.round && done.step === stamp.step) return done.response;
    const pending = this.pending.get(clientId);
    if (pending === undefined || pending.round !== stamp.round || pending.step !== stamp.step) {
      throw new ProtocolError('STALE', `no ushaped:forward of step ${stamp.step} in round ${stamp.round} is waiting for its gradient`);
    }
    const { config, split, machine, queue } = this.deps;
    this.verdict(clientId, stamp.round, stamp.step);
    const gradOutput = decodeGradient(req.gradient, config, pending.input.shape);
    const gradCut = await this.exclusive(clientId, () => queue.run(() => runMiddleBackward(split, config, pending.input, gradOutput, this.globalStep(stamp.round, stamp.step))));
    this.verdict(clientId, stamp.round, stamp.step, ' (the round changed while the step ran)');
    machine.stepDone(clientId);
    this.pending.delete(clientId);
    const [B, T] = pending.input.shape;
    this.deps.onStep(clientId, stamp.round, stamp.step, B * T);
    const response: OutputGradientResponse = { stamp, gradient: encodeFloatFrame('gradient', pending.input.shape, gradCut, config.wireDtype) };
    this.answered.set(clientId, { round: stamp.round, step: stamp.step, response });
    return response;
  }

  /** A held-out batch's server output, without dropout, once the participant has done its local steps this round. */
  async evaluate(clientId: string, req: EvalForwardRequest): Promise<EvalForwardResponse> {
    const { stamp } = req;
    this.checkRun(stamp.runId);
    const { config, split, machine, queue } = this.deps;
    if (machine.state !== 'training' && machine.state !== 'paused') throw new ProtocolError('RUN_STATE', `the run is ${machine.state}, not training`);
    if (stamp.round !== machine.round) throw new ProtocolError('STALE', `round ${stamp.round} is not the current round ${machine.round}`);
    const p = machine.participants.get(clientId);
    if (p === undefined || p.dropped) throw new ProtocolError('NOT_SELECTED', `this client is not a participant of round ${machine.round}`);
    if (p.reported) throw new ProtocolError('STALE', `this client already sent its update for round ${machine.round}`);
    if (p.stepsDone !== config.localSteps) {
      throw new ProtocolError('STALE', `held-out evaluation comes after the round's ${config.localSteps} local steps; ${p.stepsDone} done`);
    }
    const { hidden, batch, seqLen } = decodeActivations(req.activations, config, split.plan.config.n_embd);
    const shape: [number, number, number] = [batch, seqLen, split.plan.config.n_embd];
    const output = await this.exclusive(clientId, () => queue.run(() => runMiddleForward(split, { clientId, hidden, shape, dropoutSeed: null })));
    return { stamp, output: encodeFloatFrame('output', shape, output, config.wireDtype) };
  }

  /** A round starts: pending forwards and cached answers belong to the last one. */
  newRound(): void {
    this.pending.clear();
    this.answered.clear();
  }

  private checkRun(runId: string): void {
    if (runId !== this.deps.runId) throw new ProtocolError('STALE', `run ${runId} is not the current run ${this.deps.runId}`);
  }

  private verdict(clientId: string, round: number, step: number, suffix = ''): void {
    const verdict = this.deps.machine.checkStep(clientId, round, step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message + suffix);
  }

  private globalStep(round: number, step: number): number {
    return (round - 1) * this.deps.config.localSteps + step;
  }

  /** One message of a client at a time: a second one while the first computes is asked to come again. */
  private async exclusive<T>(clientId: string, work: () => Promise<T>): Promise<T> {
    if (this.inFlight.has(clientId)) throw new ProtocolError('UNAVAILABLE', 'a message of this client is still being processed; ask again shortly');
    this.inFlight.add(clientId);
    try {
      return await work();
    } finally {
      this.inFlight.delete(clientId);
    }
  }
}
