// The server's share of the model: blocks [cut, L) + ln_f + tied head with LoRA, trained from clients' cut
// activations. SFL-V2: one shared adapter, concurrent activations fused into one batch. SFL-V1: one adapter
// copy per client, averaged at the round's end. Also keeps the full model for evaluation and generation.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW, type AdamWOptions, type AdapterBinding, type BaseModel, clipGradsByGlobalNorm, collate, disposeNamed, type Example, fedAvgHost,
  fullLoss, generate, type GenerateOptions, type Gpt2Config, learningRateAt, type LoraConfig, mixSeed,
  type NamedHostTensors, namedToTensors, serverLossAndGrads, serverPart, expectedParamShapes, TrainableAdapter, transposedHeadHelps,
  type WeightedAdapter, withTransposedHead, WTE_T, transposedConv1dHelps, withTransposedConv1d, type NamedTensors,
} from '@splitlora/core';
import type { RunConfig } from '@splitlora/protocol';
import { perClientResults } from './per-client-results.js';
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

interface AdapterWithOptimizer {
  adapter: TrainableAdapter;
  optimizer: AdamW;
  tokens: number;
}

export interface ServerSplitState {
  serverAdapter: NamedHostTensors;
  optimizer: Awaited<ReturnType<AdamW['exportState']>> | null;
}

export class ServerSplit {
  readonly fullModel: BaseModel;
  readonly serverModel: BaseModel;
  private readonly lora: LoraConfig;
  private readonly adamw: AdamWOptions;
  private shared: AdapterWithOptimizer | null = null;
  private readonly copies = new Map<string, AdapterWithOptimizer>();
  private globalServer: NamedHostTensors;
  private stepCounter = 0;

  constructor(
    readonly config: Gpt2Config,
    params: NamedHostTensors,
    private readonly run: RunConfig,
    initial: ServerSplitState,
  ) {
    this.lora = run.lora as LoraConfig;
    this.adamw = { beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: run.weightDecay };
    const tensors = namedToTensors(params);
    const all = transposedHeadHelps() ? withTransposedHead(tensors) : tensors;
    this.fullModel = { config, params: all };
    const serverNames = [...Object.keys(expectedParamShapes(config, serverPart(config, run.cut))), ...(WTE_T in all ? [WTE_T] : [])];
    const serverParams: NamedTensors = Object.fromEntries(serverNames.map((n) => [n, all[n]!]));
    // Transposed block weights speed up the backward on wasm; only the server's blocks are ever differentiated.
    this.serverModel = { config, params: transposedConv1dHelps() ? withTransposedConv1d(serverParams) : serverParams };
    this.globalServer = initial.serverAdapter;
    if (run.sfl === 'v2') {
      this.shared = this.makeCopy(initial.serverAdapter);
      if (initial.optimizer !== null) this.shared.optimizer.importState(initial.optimizer);
    }
  }

  private makeCopy(values: NamedHostTensors): AdapterWithOptimizer {
    const adapter = TrainableAdapter.fromHost(this.config, this.lora, this.run.cut, this.config.n_layer, values);
    return { adapter, optimizer: new AdamW(this.adamw), tokens: 0 };
  }

  private copyFor(clientId: string): AdapterWithOptimizer {
    if (this.shared !== null) return this.shared;
    let copy = this.copies.get(clientId);
    if (copy === undefined) {
      copy = this.makeCopy(this.globalServer);
      this.copies.set(clientId, copy);
    }
    return copy;
  }

  /**
   * One server step over one or more clients' activations (several only in SFL-V2). The batches are padded to
   * the longest and stacked, the loss is the mean over all their tokens, and each client's gradient is rescaled
   * to be the gradient of its own mean loss — exactly what it would get alone.
   */
  async step(inputs: StepInput[]): Promise<StepOutput[]> {
    const owner = this.copyFor(inputs[0]!.clientId);
    if (inputs.length > 1 && this.shared === null) throw new Error('only SFL-V2 fuses several clients into one step');
    const E = this.config.n_embd;
    const T = Math.max(...inputs.map((i) => i.seqLen));
    const rows = inputs.reduce((s, i) => s + i.batch, 0);
    const hidden = new Float32Array(rows * T * E);
    const targets = new Int32Array(rows * T).fill(this.config.eos_token_id);
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
    const result = serverLossAndGrads(this.serverModel, owner.adapter, h, t, m, this.run.cut, total, {
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

  /** The current global server adapter (SFL-V2: the shared one; SFL-V1: the last average). */
  async serverAdapter(): Promise<NamedHostTensors> {
    return this.shared !== null ? this.shared.adapter.toHost() : this.globalServer;
  }

  async optimizerState(): Promise<ServerSplitState['optimizer']> {
    return this.shared !== null ? this.shared.optimizer.exportState() : null;
  }

  /** SFL-V1: FedAvg of the reporters' server copies (weighted by the tokens each trained); every copy is dropped. */
  async closeRound(reporters: string[]): Promise<void> {
    if (this.shared !== null) return;
    const entries: WeightedAdapter<NamedHostTensors>[] = [];
    for (const id of reporters) {
      const copy = this.copies.get(id);
      if (copy !== undefined && copy.tokens > 0) entries.push({ source: id, adapter: await copy.adapter.toHost(), weight: copy.tokens });
    }
    if (entries.length > 0) this.globalServer = fedAvgHost(entries);
    this.dropCopies();
  }

  /** Forgets per-client copies (a restarted round in SFL-V1). */
  dropCopies(): void {
    for (const copy of this.copies.values()) {
      copy.adapter.dispose();
      copy.optimizer.dispose();
    }
    this.copies.clear();
  }

  private async fullAdapter(clientAdapter: NamedHostTensors): Promise<AdapterBinding> {
    return { config: this.lora, tensors: namedToTensors({ ...clientAdapter, ...(await this.serverAdapter()) }) };
  }

  /** Mean loss per counted token of the full model with the given client adapter and the server adapter. */
  async evalLoss(clientAdapter: NamedHostTensors, examples: readonly Example[]): Promise<number> {
    const adapter = await this.fullAdapter(clientAdapter);
    let lossSum = 0;
    let tokens = 0;
    try {
      for (let i = 0; i < examples.length; i += this.run.batchSize) {
        const batch = collate(examples.slice(i, i + this.run.batchSize), {
          batchSize: this.run.batchSize, maxSeqLen: this.run.maxSeqLen, padMultiple: this.run.padMultiple, padTokenId: this.config.eos_token_id,
        });
        if (batch.tokens === 0) continue;
        const loss = tf.tidy(() => {
          const ids = tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32');
          return fullLoss(this.fullModel, adapter, ids, tf.tensor1d(batch.targets, 'int32'), tf.tensor1d(batch.lossMask), batch.tokens);
        });
        lossSum += (await loss.data())[0]! * batch.tokens;
        tokens += batch.tokens;
        loss.dispose();
        await new Promise((r) => setImmediate(r)); // let sockets breathe between batches
      }
    } finally {
      disposeNamed(adapter.tensors);
    }
    return tokens > 0 ? lossSum / tokens : Number.NaN;
  }

  async generate(clientAdapter: NamedHostTensors, prompt: number[], options: GenerateOptions): Promise<number[]> {
    const adapter = await this.fullAdapter(clientAdapter);
    try {
      return await generate(this.fullModel, adapter, prompt, options);
    } finally {
      disposeNamed(adapter.tensors);
    }
  }

  dispose(): void {
    this.dropCopies();
    if (this.shared !== null) {
      this.shared.adapter.dispose();
      this.shared.optimizer.dispose();
    }
    disposeNamed(this.fullModel.params);
    tf.dispose(Object.keys(this.serverModel.params).filter((n) => !(n in this.fullModel.params)).map((n) => this.serverModel.params[n]!)); // its transposed copies
  }
}
