// The volunteer under attack: its real LocalTrainer trains the client adapter against the real ServerSplit for a
// number of steps (activations and gradients through the wire format), and observe() produces what the server
// receives for a batch of the volunteer's examples with the adapter as it is now, plus the ground truth.
import * as tf from '@tensorflow/tfjs-core';
import {
  type BaseModel, batchTensors, clientForward, clientPart, collate, disposeNamed, type Example, expectedParamShapes, initAdapter,
  mixSeed, namedToTensors, type SplitPlan,
} from '@splitlora/core';
import { LocalTrainer } from '@splitlora/client';
import { decodeFloatFrame, decodeIntFrame, encodeFloatFrame, type RunConfig, runConfigSchema } from '@splitlora/protocol';
import { ServerSplit } from '@splitlora/server';
import { inProcessPlan } from '../lib/manifest.js';
import type { AttackedModel } from './model-source.js';
import { noisedActivations } from './activation-noise.js';
import type { ServerView, Truth } from './server-view.js';
import { throughWire, type WireDtype } from './wire.js';

export interface VolunteerSettings {
  cut: number;
  /** Training: batch size, sequence cap, learning rate (constant; null = the run default), the wire format, the seed. */
  batch: number;
  maxSeqLen: number;
  lr: number | null;
  wireDtype: WireDtype;
  seed: number;
}

export interface Observation {
  view: ServerView;
  truth: Truth;
  /** The clip norm C of the activation noise, when noise was added. */
  clipNorm: number | null;
}

function clientModel(model: AttackedModel, cut: number): BaseModel {
  const names = Object.keys(expectedParamShapes(model.config, clientPart(cut)));
  return { config: model.config, params: namedToTensors(Object.fromEntries(names.map((n) => [n, model.params[n]!]))) };
}

export class Volunteer {
  readonly run: RunConfig;
  private readonly trainer: LocalTrainer;
  /** The split plan the volunteer trains under (checked once, as a real volunteer checks its manifest). */
  private readonly plan: SplitPlan;
  /** A second copy of the client blocks for observe() (the trainer owns its own). */
  private readonly model: BaseModel;
  private server: ServerSplit | null = null;
  stepsTrained = 0;

  constructor(private readonly attacked: AttackedModel, private readonly settings: VolunteerSettings, examples: readonly Example[]) {
    this.run = runConfigSchema.parse({
      name: 'leak-attack', model: attacked.name, cut: settings.cut, seed: settings.seed, ...(settings.lr === null ? {} : { lr: settings.lr }), schedule: 'constant', batchSize: settings.batch,
      maxSeqLen: settings.maxSeqLen, padMultiple: 8, localSteps: 1, rounds: 1, wireDtype: settings.wireDtype, sfl: 'v2',
    });
    const { manifest, plan } = inProcessPlan(attacked.name, attacked.config, this.run);
    this.plan = plan;
    this.trainer = new LocalTrainer(clientModel(attacked, settings.cut), plan, manifest.training, examples, mixSeed(settings.seed, 1));
    this.model = clientModel(attacked, settings.cut);
  }

  /** `steps` more split steps: client forward, fp16/fp32 frames, the server's step, the client's update. */
  async train(steps: number): Promise<void> {
    const { config } = this.attacked;
    this.server ??= new ServerSplit(this.plan, this.attacked.params, this.run, {
      serverAdapter: initAdapter(config, this.run.lora, this.settings.cut, config.n_layer, this.settings.seed), optimizer: null,
    });
    for (let i = 0; i < steps; i++, this.stepsTrained++) {
      const pending = await this.trainer.forward(mixSeed(this.settings.seed, 2), this.stepsTrained);
      const [batch, seqLen] = pending.activations.shape as [number, number, number];
      const [out] = await this.server.step([{
        clientId: 'volunteer', hidden: decodeFloatFrame(pending.activations), batch, seqLen, targets: decodeIntFrame(pending.targets),
        mask: Float32Array.from(decodeIntFrame(pending.lossMask)), tokens: pending.batch.tokens, globalStep: this.stepsTrained,
      }]);
      await this.trainer.backward(pending, encodeFloatFrame('gradient', [...pending.activations.shape], out!.gradient, this.run.wireDtype), this.stepsTrained);
    }
  }

  /** The size of the client adapter's update so far: ‖B‖ summed over its tensors (0 before training). */
  async adapterNormB(): Promise<number> {
    const host = await this.trainer.adapter.toHost();
    let sum = 0;
    for (const [name, t] of Object.entries(host)) if (name.includes('lora_B')) for (const v of t.data) sum += v * v;
    return Math.sqrt(sum);
  }

  /**
   * What the server receives for `examples` as one batch with the current adapter — the same computation as
   * LocalTrainer.forward (client forward with LoRA dropout active, then the frame encoding of `dtype`), with
   * optional activation noise of multiplier `noiseSigma` added by the volunteer before encoding.
   */
  async observe(examples: readonly Example[], dtype: WireDtype, noiseSigma: number, seed: number): Promise<Observation> {
    const batch = collate(examples, { batchSize: examples.length, maxSeqLen: this.settings.maxSeqLen, padMultiple: 8, padTokenId: this.attacked.config.eos_token_id });
    const bt = batchTensors(batch);
    const hidden = clientForward(this.model, this.trainer.adapter, bt.ids, this.plan, mixSeed(seed, 3));
    const values = await hidden.data() as Float32Array;
    const shape = [...hidden.shape] as [number, number, number];
    tf.dispose([hidden]);
    bt.dispose();
    const lengths = examples.map((e) => Math.min(e.tokens.length - 1, batch.seqLen));
    const noisy = noiseSigma > 0 ? noisedActivations(values, shape[0], noiseSigma, mixSeed(seed, 4)) : null;
    return {
      view: { layout: 'standard', cut: this.settings.cut, activations: { shape, values: throughWire(noisy?.values ?? values, shape, dtype) }, lengths },
      truth: { inputIds: batch.inputIds, targets: batch.targets, lengths, seqLen: batch.seqLen },
      clipNorm: noisy?.clipNorm ?? null,
    };
  }

  dispose(): void {
    this.trainer.dispose();
    this.server?.dispose();
    disposeNamed(this.model.params);
  }
}
