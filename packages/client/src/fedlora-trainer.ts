// Federated LoRA (method fedlora) in the tab: the volunteer holds the whole model with LoRA on every block, trains
// each round's local steps without the server in the loop (loss through the tied head, clipping, AdamW at the run's
// schedule) and uploads its whole adapter for FedAvg. Each round starts from the global adapter with a fresh optimizer.
import {
  AdamW, type BaseModel, BatchStream, batchTensors, clipGradsByGlobalNorm, DEFAULT_ADAMW, disposeNamed, type Example, fullLossAndGrads,
  learningRateAt, mixSeed, type NamedHostTensors, type SplitPlan, TrainableAdapter, transposedConv1dHelps, transposedHeadHelps, withTransposedConv1d,
  withTransposedHead,
} from '@splitlora/core';
import { type ClientManifest, decodeFloatFrame, encodeFloatFrame, type RoundStart, type TensorFrame, unpackFrames } from '@splitlora/protocol';
import type { LocalRoundTrainer } from './round-trainer.js';

export class FedLoraTrainer implements LocalRoundTrainer {
  readonly kind = 'local';
  readonly adapter: TrainableAdapter;
  private readonly optimizer: AdamW;
  private readonly stream: BatchStream;
  private readonly model: BaseModel;

  /** Takes ownership of `model` (the whole model's base weights); `plan` is the run's whole-model plan. */
  constructor(model: BaseModel, plan: SplitPlan, private readonly training: ClientManifest['training'], examples: readonly Example[], dataSeed: number) {
    if (!plan.whole) throw new Error(`federated LoRA trains the whole model; the run's plan is the ${plan.layout.mode} layout`);
    // On wasm the transposed head makes the logits' product fast and transposed block weights the backward.
    const head = transposedHeadHelps() ? withTransposedHead(model.params) : model.params;
    this.model = { config: model.config, params: transposedConv1dHelps() ? withTransposedConv1d(head) : head };
    this.adapter = TrainableAdapter.ofLayout(plan.lora, plan.clientAdapterLayout(), plan.initClientAdapter(training.seed));
    this.optimizer = new AdamW({ ...DEFAULT_ADAMW, weightDecay: training.weightDecay });
    this.stream = new BatchStream(examples, {
      batchSize: training.batchSize, maxSeqLen: training.maxSeqLen, padMultiple: training.padMultiple, padTokenId: model.config.eos_token_id,
    }, dataSeed);
  }

  startRound(msg: RoundStart): void {
    const host: NamedHostTensors = {};
    for (const frame of unpackFrames(msg.adapter)) host[frame.name] = { shape: frame.shape, data: decodeFloatFrame(frame) };
    this.loadGlobal(host);
  }

  /** Starts a round from the global adapter (every block's tensors, checked by name and shape) with a fresh optimizer. */
  loadGlobal(values: NamedHostTensors): void {
    this.adapter.load(values);
    this.optimizer.reset();
  }

  /** One local step: the next batch through the whole model, its LoRA gradients clipped and applied. */
  async localStep(roundSeed: number, step: number, globalStep: number): Promise<{ loss: number; tokens: number }> {
    const batch = this.stream.next();
    const bt = batchTensors(batch);
    const { loss, grads } = fullLossAndGrads(this.model, this.adapter, bt.ids, bt.targets, bt.mask, Math.max(batch.tokens, 1), {
      dropoutSeed: mixSeed(roundSeed, step), labelSmoothing: this.training.labelSmoothing ?? 0,
    });
    bt.dispose();
    const t = this.training;
    if (t.maxGradNorm > 0) clipGradsByGlobalNorm(grads, t.maxGradNorm);
    this.optimizer.apply(this.adapter.tensors, grads, learningRateAt({ lr: t.lr, warmupSteps: t.warmupSteps, totalSteps: t.totalSteps, kind: t.schedule }, globalStep));
    disposeNamed(grads);
    const value = (await loss.data())[0]!;
    loss.dispose();
    return { loss: value, tokens: batch.tokens };
  }

  /** The whole adapter as fp32 frames (averaged by the server, so at full precision). */
  async updateFrames(): Promise<TensorFrame[]> {
    const host = await this.adapter.toHost();
    return Object.entries(host).map(([name, t]) => encodeFloatFrame(name, t.shape, t.data, 'float32'));
  }

  blockVersions(): undefined {
    return undefined;
  }

  dispose(): void {
    this.adapter.dispose();
    this.optimizer.dispose();
    disposeNamed(this.model.params);
  }
}
