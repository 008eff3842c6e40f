// The server's share of the model: blocks [cut, L) + ln_f + tied head with LoRA (u-shaped: blocks [cut, tailCut)
// only, stepped by server-middle.ts), trained from clients' cut activations. Which server adapter a step trains is the run's server-adapter policy's choice (SFL-V2: one shared
// adapter, concurrent activations fused into one batch; SFL-V1: one copy per client, aggregated at the round's end).
// Also keeps the full model for evaluation and generation.
import * as tf from '@tensorflow/tfjs-core';
import {
  type AdamWState, type AdapterBinding, type BaseModel, clipGradsByGlobalNorm, collate, disposeNamed, type Example, fullLoss, generate,
  type GenerateOptions, learningRateAt, mixSeed, type NamedHostTensors, namedToTensors, serverLossAndGrads,
  type SplitPlan, transposedHeadHelps, withTransposedHead, WTE_T, transposedConv1dHelps,
  withTransposedConv1d, type NamedTensors,
} from '@splitlora/core';
import type { RunConfig } from '@splitlora/protocol';
import { perClientResults } from './per-client-results.js';
import { type ServerAdapterPolicy, serverAdapterPolicyFor, type ServerAdapterStart } from './server-adapters/server-adapter-policy.js';
import type { AdapterTrainer } from './server-adapters/adapter-trainer.js';
import { partitionClientTensors } from './run-store.js';
import type { DecodedStep } from './step-decoding.js';

/** One client's decoded step (activations (B, T, E) row-major, targets, mask), and who sent it. */
export interface StepInput extends DecodedStep {
  clientId: string;
  /** Optimizer step index for the learning-rate schedule. */
  globalStep: number;
}

export interface StepOutput {
  loss: number;
  /** Gradient of this client's own mean loss w.r.t. its activations (B, T, E). */
  gradient: Float32Array;
}

/** The server adapter a split starts from (a new run's initial one, or a checkpoint's with its optimizer state). */
export type ServerSplitState = ServerAdapterStart;

export class ServerSplit {
  readonly fullModel: BaseModel;
  readonly serverModel: BaseModel;
  private readonly adapters: ServerAdapterPolicy;
  private stepCounter = 0;

  constructor(
    readonly plan: SplitPlan,
    params: NamedHostTensors,
    private readonly run: RunConfig,
    start: ServerSplitState,
    policyFor: typeof serverAdapterPolicyFor = serverAdapterPolicyFor,
  ) {
    const { config } = plan;
    const tensors = namedToTensors(params);
    const all = transposedHeadHelps() ? withTransposedHead(tensors) : tensors;
    this.fullModel = { config, params: all };
    const serverNames = [...Object.keys(plan.serverParamShapes()), ...(!plan.uShaped && WTE_T in all ? [WTE_T] : [])];
    const serverParams: NamedTensors = Object.fromEntries(serverNames.map((n) => [n, all[n]!]));
    // Transposed block weights speed up the backward on wasm; only the server's blocks are ever differentiated.
    this.serverModel = { config, params: transposedConv1dHelps() ? withTransposedConv1d(serverParams) : serverParams };
    this.adapters = policyFor(run, plan, start);
  }

  /** The adapter (and optimizer) that trains this client's next step (the run's server-adapter policy decides). */
  trainerFor(clientId: string): AdapterTrainer {
    return this.adapters.trainerFor(clientId);
  }

  /** Whether steps of several clients may be fused into one server step (SFL-V2). */
  get fusesClients(): boolean {
    return this.adapters.fusesClients;
  }

  /**
   * One server step over one or more clients' activations (several only in SFL-V2). The batches are padded to
   * the longest and stacked, the loss is the mean over all their tokens, and each client's gradient is rescaled
   * to be the gradient of its own mean loss — exactly what it would get alone.
   */
  async step(inputs: StepInput[]): Promise<StepOutput[]> {
    const owner = this.adapters.trainerFor(inputs[0]!.clientId);
    if (inputs.length > 1 && !this.adapters.fusesClients) throw new Error('only SFL-V2 fuses several clients into one step');
    const config = this.plan.config;
    const E = config.n_embd;
    const T = Math.max(...inputs.map((i) => i.seqLen));
    const rows = inputs.reduce((s, i) => s + i.batch, 0);
    const hidden = new Float32Array(rows * T * E);
    const targets = new Int32Array(rows * T).fill(config.eos_token_id);
    const mask = new Float32Array(rows * T);
    let row = 0;
    for (const input of inputs) {
      for (let b = 0; b < input.batch; b++, row++) {
        hidden.set(input.hidden.subarray(b * input.seqLen * E, (b + 1) * input.seqLen * E), row * T * E);
        targets.set(input.targets.subarray(b * input.seqLen, (b + 1) * input.seqLen), row * T);
        mask.set(input.mask.subarray(b * input.seqLen, (b + 1) * input.seqLen), row * T);
      }
    }
    const total = inputs.reduce((s, i) => s + i.tokens, 0);
    let perToken: tf.Tensor1D | null = null;
    const h = tf.tensor3d(hidden, [rows, T, E]);
    const t = tf.tensor1d(targets, 'int32');
    const m = tf.tensor1d(mask, 'float32');
    const result = serverLossAndGrads(this.serverModel, owner.adapter, h, t, m, this.plan, total, {
      dropoutSeed: mixSeed(this.run.seed, inputs[0]!.globalStep, ++this.stepCounter), labelSmoothing: this.run.labelSmoothing, perTokenSink: (x) => (perToken = x),
    });
    tf.dispose([h, t]);
    if (this.run.maxGradNorm > 0) clipGradsByGlobalNorm(result.grads, this.run.maxGradNorm);
    const lr = learningRateAt({ lr: this.run.lr, warmupSteps: this.run.warmupSteps, totalSteps: this.run.rounds * this.run.localSteps, kind: this.run.schedule }, inputs[0]!.globalStep);
    owner.optimizer.apply(owner.adapter.tensors, result.grads, lr);
    owner.tokens += total;
    disposeNamed(result.grads);
    try {
      return await perClientResults(inputs, result.gradHidden, perToken!, m, total);
    } finally {
      tf.dispose([m, result.loss, result.gradHidden, perToken!]);
    }
  }

  /** The current global server adapter (SFL-V2: the shared one; SFL-V1: the last aggregate). */
  serverAdapter(): Promise<NamedHostTensors> {
    return this.adapters.current();
  }

  /** The optimizer state a checkpoint keeps (SFL-V2's shared optimizer; none in SFL-V1). */
  optimizerState(): Promise<AdamWState | null> {
    return this.adapters.optimizerState();
  }

  /** The round closed with these reporters (SFL-V1: their server copies are aggregated, every copy dropped). */
  closeRound(reporters: readonly string[], round: number): Promise<void> {
    return this.adapters.closeRound(reporters, round);
  }

  /** A restarted round: what it trained for itself alone is dropped (SFL-V1's per-client copies). */
  abortRound(): void {
    this.adapters.abortRound();
  }

  /**
   * The whole model with the run's global client tensors: its LoRA tensors join the server adapter; base weights
   * (what block-training methods train) replace the base model's. The caller calls `release`.
   */
  private async withClient(clientTensors: NamedHostTensors): Promise<{ model: BaseModel; adapter: AdapterBinding; release(): void }> {
    const { adapter: clientAdapter, weights } = partitionClientTensors(clientTensors);
    const adapter: AdapterBinding = { config: this.plan.lora, tensors: namedToTensors({ ...clientAdapter, ...(await this.serverAdapter()) }) };
    const replaced = namedToTensors(weights);
    const model: BaseModel = { config: this.plan.config, params: { ...this.fullModel.params, ...replaced } };
    return { model, adapter, release: () => { disposeNamed(adapter.tensors); disposeNamed(replaced); } };
  }

  /** Mean loss per counted token of the full model with the given global client tensors and the server adapter. */
  async evalLoss(clientAdapter: NamedHostTensors, examples: readonly Example[]): Promise<number> {
    const { model, adapter, release } = await this.withClient(clientAdapter);
    let lossSum = 0;
    let tokens = 0;
    try {
      for (let i = 0; i < examples.length; i += this.run.batchSize) {
        const batch = collate(examples.slice(i, i + this.run.batchSize), {
          batchSize: this.run.batchSize, maxSeqLen: this.run.maxSeqLen, padMultiple: this.run.padMultiple, padTokenId: this.plan.config.eos_token_id,
        });
        if (batch.tokens === 0) continue;
        const loss = tf.tidy(() => {
          const ids = tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32');
          return fullLoss(model, adapter, ids, tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.lossMask), batch.tokens);
        });
        lossSum += (await loss.data())[0]! * batch.tokens;
        tokens += batch.tokens;
        loss.dispose();
        await new Promise((r) => setImmediate(r)); // let sockets breathe between batches
      }
    } finally {
      release();
    }
    return tokens > 0 ? lossSum / tokens : Number.NaN;
  }

  async generate(clientAdapter: NamedHostTensors, prompt: number[], options: GenerateOptions): Promise<number[]> {
    const { model, adapter, release } = await this.withClient(clientAdapter);
    try {
      return await generate(model, adapter, prompt, options);
    } finally {
      release();
    }
  }

  dispose(): void {
    this.adapters.dispose();
    disposeNamed(this.fullModel.params);
    tf.dispose(Object.keys(this.serverModel.params).filter((n) => !(n in this.fullModel.params)).map((n) => this.serverModel.params[n]!)); // its transposed copies
  }
}
