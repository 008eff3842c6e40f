// A run's training steps: checks a step's stamp against the round machine, answers a replayed step from its cache
// (never training twice), decodes and checks the frames against the split plan, runs the step on the server split —
// fused with other clients' steps when the server-adapter policy shares one adapter — and encodes the gradient.
import { createHash } from 'node:crypto';
import {
  type ActivationsRequest, type ActivationsResponse, encodeFloatFrame, ProtocolError, type RunConfig,
} from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { fusedPositions, maxFusedPositions } from './fusion-limit.js';
import type { RoundMachine } from './round-machine.js';
import type { SerialQueue } from './serial-queue.js';
import type { ServerSplit, StepInput, StepOutput } from './server-split.js';
import { decodeStep } from './step-decoding.js';
import { StepFuser } from './step-fuser.js';

/** What the step service asks of whoever decides which steps are accepted (the round machine, or a worker's mirror of it). */
export type StepGate = Pick<RoundMachine, 'checkStep' | 'stepDone' | 'isOver' | 'participants'>;

export interface StepServiceDeps {
  runId: string;
  config: RunConfig;
  modelName: string;
  machine: StepGate;
  queue: SerialQueue;
  split: ServerSplit;
  /** A step was trained and answered: the round's bookkeeping and the metrics. */
  onStep(clientId: string, round: number, step: number, loss: number, tokens: number): void;
  /** The backend cannot compute any more (a wasm abort): the run must fail with this reason. */
  onBackendLost(reason: string): void;
}

interface AnsweredStep { round: number; step: number; digest: string; response: ActivationsResponse }

/** A digest of a step's content (frames and their bytes): a replay must be the same step, not just the same stamp. */
function stepDigest(req: ActivationsRequest): string {
  const hash = createHash('sha256');
  for (const frame of [req.activations, req.targets, req.lossMask]) {
    hash.update(JSON.stringify([frame.name, frame.shape, frame.dtype, frame.scale ?? null]));
    hash.update(frame.data instanceof Uint8Array ? frame.data : new Uint8Array(frame.data));
  }
  return hash.digest('hex');
}

export class StepService {
  /** Server-side latency of each training step (arrival to answer, fusion wait included), for load measurements. */
  readonly latenciesMs: number[] = [];
  private readonly fuser: StepFuser<StepInput, StepOutput> | null;
  private readonly lastStep = new Map<string, AnsweredStep>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: StepServiceDeps) {
    const { split, queue, config } = deps;
    this.fuser = split.fusesClients
      ? new StepFuser<StepInput, StepOutput>((items) => queue.run(() => split.step(items)), config.fusionWindowMs, () => this.activeParticipants(),
        fusedPositions, maxFusedPositions(split.plan.config, split.plan.cut))
      : null;
  }

  async handle(clientId: string, req: ActivationsRequest): Promise<ActivationsResponse> {
    const { stamp } = req;
    const { machine, config, split, runId } = this.deps;
    if (stamp.runId !== runId) throw new ProtocolError('STALE', `run ${stamp.runId} is not the current run ${runId}`);
    const cached = this.lastStep.get(clientId);
    const digest = stepDigest(req);
    if (cached !== undefined && cached.round === stamp.round && cached.step === stamp.step) {
      if (cached.digest === digest) return cached.response;
      throw new ProtocolError('STALE', `step ${stamp.step} of round ${stamp.round} was already trained; this message carries other content than that step`);
    }
    if (this.inFlight.has(clientId)) throw new ProtocolError('UNAVAILABLE', 'a step of this client is still being processed; ask again shortly');
    const verdict = machine.checkStep(clientId, stamp.round, stamp.step);
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    const embd = split.plan.config.n_embd;
    const decoded = decodeStep(req, config, embd, split.plan.config.vocab_size);
    const input: StepInput = { clientId, ...decoded, globalStep: (stamp.round - 1) * config.localSteps + stamp.step };
    this.inFlight.add(clientId);
    const arrived = performance.now();
    let output: StepOutput;
    try {
      output = this.fuser !== null ? await this.fuser.submit(input) : await this.deps.queue.run(async () => (await split.step([input]))[0]!);
    } catch (error) {
      if (!isWasmAbort(error) || machine.isOver()) throw error;
      // The wasm runtime aborted (out of its heap): every later step would fail too, so the run stops here.
      const reason = `the server's ${tf.getBackend()} backend aborted during a step of ${decoded.batch}×${decoded.seqLen} on ${this.deps.modelName} (${(error as Error).message}); `
        + 'a wasm heap holds at most 4 GiB: use a smaller batch, sequence length or model, or the native tensorflow backend';
      this.deps.onBackendLost(reason);
      throw new ProtocolError('RUN_STATE', reason);
    } finally {
      this.inFlight.delete(clientId);
    }
    const still = machine.checkStep(clientId, stamp.round, stamp.step);
    if (!still.ok) throw new ProtocolError(still.code, `${still.message} (the round changed while the step ran)`);
    machine.stepDone(clientId);
    if (this.latenciesMs.length < 1_000_000) this.latenciesMs.push(performance.now() - arrived);
    this.deps.onStep(clientId, stamp.round, stamp.step, output.loss, decoded.tokens);
    const response: ActivationsResponse = {
      stamp, loss: output.loss, tokens: decoded.tokens,
      gradient: encodeFloatFrame('gradient', [decoded.batch, decoded.seqLen, embd], output.gradient, config.wireDtype),
    };
    this.lastStep.set(clientId, { round: stamp.round, step: stamp.step, digest, response });
    return response;
  }

  /** A round starts: the answers cached for replays belong to the last one. */
  newRound(): void {
    this.lastStep.clear();
  }

  /** Fails every step waiting to be fused (the run ended or closed). */
  cancel(reason: string): void {
    this.fuser?.cancel(new ProtocolError('RUN_STATE', reason));
  }

  /** Participants that may still send a step this round: how many steps a fused group can wait for. */
  private activeParticipants(): number {
    let n = 0;
    for (const p of this.deps.machine.participants.values()) {
      if (!p.dropped && !p.reported && p.goneAt === null && p.stepsDone < this.deps.config.localSteps) n++;
    }
    return n;
  }
}

/** A WebAssembly runtime abort (heap exhausted, out-of-bounds access): the wasm backend cannot be used again. */
function isWasmAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'RuntimeError' && /memory access out of bounds|Aborted|out of memory/i.test(error.message);
}
