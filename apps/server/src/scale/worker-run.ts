// A split worker's copy of the coordinator's run: the same model, split plan and client assets (built from the run
// config, so their hashes match), its own server split and server-adapter copy, and a mirror of the round machine
// that knows the rounds of this worker's volunteers (from the coordinator's round starts) and checks their steps.
import type { NamedHostTensors } from '@splitlora/core';
import {
  type ActivationsRequest, type ActivationsResponse, type AssetInfo, type ClientManifest, ProtocolError, type RunConfig, type RunState, takesTurns,
} from '@splitlora/protocol';
import type { Logger } from '../log.js';
import { AssetStore } from '../run/asset-store.js';
import { RoundMachine } from '../run/round-machine.js';
import { clientAssets, prepareModel } from '../run/run-factory.js';
import { clientManifest } from '../run/run-views.js';
import { SerialQueue } from '../run/serial-queue.js';
import { ServerSplit } from '../run/server-split.js';
import { StepService } from '../run/step-service.js';
import type { RunDescriptor } from './scale-messages.js';
import { WorkerCopyPolicy } from './worker-copy-policy.js';

export interface WorkerRunDeps {
  modelsDir: string;
  dataDir: string | null;
  maxMessageBytes: number;
  log: Logger;
  /** A step was trained: the coordinator must count it. */
  onStep(clientId: string, round: number, step: number, loss: number, tokens: number): void;
}

export class WorkerRun {
  readonly queue = new SerialQueue();
  /** The coordinator's round machine as far as this worker's volunteers go: state, round, their step counts. */
  readonly mirror: RoundMachine;
  /** Tokens this worker's server adapter trained in the current round (its weight in the cross-worker average). */
  tokensThisRound = 0;
  private readonly steps: StepService;

  private constructor(
    readonly runId: string,
    private readonly config: RunConfig,
    private readonly manifestOf: ClientManifest,
    private readonly assets: AssetStore,
    private readonly split: ServerSplit,
    private readonly policy: WorkerCopyPolicy,
    deps: WorkerRunDeps,
  ) {
    this.mirror = new RoundMachine({ rounds: 1, localSteps: config.localSteps, minClients: 1, maxClients: 1, roundTimeoutMs: 0, graceMs: 0 });
    this.steps = new StepService({
      runId, config, modelName: split.plan.modelName, machine: this.mirror, queue: this.queue, split,
      onStep: (clientId, round, step, loss, tokens) => {
        this.tokensThisRound += tokens;
        deps.onStep(clientId, round, step, loss, tokens);
      },
      onBackendLost: (reason) => deps.log.error(reason),
    });
  }

  static async create(run: RunDescriptor, serverAdapter: NamedHostTensors, deps: WorkerRunDeps): Promise<WorkerRun> {
    const prepared = await prepareModel(run.config, deps);
    const { weightsBlob, tokenizerBlob } = await clientAssets(prepared, deps);
    const assets = new AssetStore();
    const info: { weights: AssetInfo; tokenizer: AssetInfo } = { weights: assets.add(weightsBlob), tokenizer: assets.add(tokenizerBlob) };
    let policy: WorkerCopyPolicy | null = null;
    const split = new ServerSplit(prepared.plan, prepared.model.params, run.config, { serverAdapter, optimizer: null }, (config, plan, start) => (policy = new WorkerCopyPolicy(config, plan, start)));
    return new WorkerRun(run.runId, run.config, clientManifest(run.runId, run.config, prepared.plan, info, deps.maxMessageBytes), assets, split, policy!, deps);
  }

  manifest(): ClientManifest {
    return this.manifestOf;
  }

  chunk(hash: string, index: number): Uint8Array | null {
    return this.assets.chunk(hash, index);
  }

  /** The coordinator's run state: out of a round (waiting, aggregating, over), no participant may step any more. */
  setState(state: RunState): void {
    this.mirror.state = state;
    if (state !== 'training' && state !== 'paused') {
      this.mirror.participants.clear();
      this.steps.newRound();
    }
  }

  /** The coordinator sent this worker's volunteer its round (from `firstStep` when it continues one). */
  participantStarts(clientId: string, round: number, firstStep: number): void {
    if (round !== this.mirror.round) this.mirror.participants.clear();
    this.mirror.round = round;
    this.mirror.state = 'training';
    this.mirror.participants.set(clientId, { stepsDone: firstStep, reported: false, tokens: 0, goneAt: null, dropped: false });
  }

  reported(clientId: string): void {
    const p = this.mirror.participants.get(clientId);
    if (p !== undefined) p.reported = true;
  }

  /** The volunteer left this worker: steps waiting to be fused no longer wait for it. */
  gone(clientId: string): void {
    const p = this.mirror.participants.get(clientId);
    if (p !== undefined) p.goneAt = Date.now();
  }

  activations(clientId: string, req: ActivationsRequest): Promise<ActivationsResponse> {
    // A worker trains its own copy of the server adapter; sequential SL needs every turn on the one shared adapter.
    if (takesTurns(this.config.method)) {
      throw new ProtocolError('BAD_REQUEST', 'sequential split learning (method sl) is not served by scale-out workers; start the server with one process (no --server-processes) for method sl');
    }
    return this.steps.handle(clientId, req);
  }

  /** Round end: this worker's copy (in SFL-V1 the copies of the reporters it served averaged first) and the tokens it trained. */
  serverCopy(reporters: readonly string[], round: number): Promise<{ tokens: number; adapter: NamedHostTensors }> {
    return this.queue.run(async () => {
      await this.policy.closeRound(reporters, round);
      return { tokens: this.tokensThisRound, adapter: await this.policy.current() };
    });
  }

  /** The next round starts from the coordinator's global server adapter. */
  restartFrom(global: NamedHostTensors): Promise<void> {
    return this.queue.run(async () => {
      await this.policy.restartFrom(global);
      this.tokensThisRound = 0;
    });
  }

  async dispose(): Promise<void> {
    this.steps.cancel('the run was replaced');
    await this.queue.run(async () => this.split.dispose());
  }
}
