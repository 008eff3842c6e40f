// One client-split training step as the volunteer does it (LocalTrainer's forward and backward): forward to the
// cut, read the activations back and encode them for the wire, then decode a gradient, recompute the forward and
// backprop into the client adapter, clip, AdamW. Platform-free: Node and the browser page both run it.
import {
  AdamW, clientForward, clientGrads, clientPart, clipGradsByGlobalNorm, createRng, disposeNamed, gpt2Config, type Gpt2PresetName,
  initGpt2Params, mixSeed, namedToTensors, normalSamples, PAPER_LORA, SplitPlan, TrainableAdapter,
  transposedConv1dHelps, withTransposedConv1d, DEFAULT_ADAMW,
} from '@splitlora/core';
import { decodeFloatFrame, encodeFloatFrame } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';

export interface ClientStepCase {
  model: Gpt2PresetName;
  cut: number;
  batch: number;
  seq: number;
}

export interface ClientStepper {
  tokensPerStep: number;
  step(index: number): Promise<void>;
  /** Resolves once the device has finished every step so far (a step ends with work still queued, as in LocalTrainer). */
  sync(): Promise<void>;
  dispose(): void;
}

/** Random client weights and ids, a fresh adapter and optimizer; the gradient from the server is random too. */
export function createClientStepper(c: ClientStepCase, seed = 0): ClientStepper {
  const config = gpt2Config(c.model);
  const weights = namedToTensors(initGpt2Params(config, seed, clientPart(c.cut)));
  const model = { config, params: transposedConv1dHelps() ? withTransposedConv1d(weights) : weights }; // as LocalTrainer
  const plan = SplitPlan.create(config, c.cut, PAPER_LORA, c.model);
  const adapter = TrainableAdapter.init(config, PAPER_LORA, 0, c.cut, seed);
  const optimizer = new AdamW(DEFAULT_ADAMW);
  const rng = createRng(seed);
  const n = c.batch * c.seq;
  const idValues = new Int32Array(n);
  for (let i = 0; i < n; i++) idValues[i] = Math.floor(rng() * config.vocab_size);
  const shape = [c.batch, c.seq, config.n_embd];
  const gradientFrame = encodeFloatFrame('gradient', shape, normalSamples(rng, n * config.n_embd, 1e-4), 'float16');
  return {
    tokensPerStep: n,
    async step(index) {
      const dropoutSeed = mixSeed(seed, index);
      const ids = tf.tensor2d(idValues, [c.batch, c.seq], 'int32');
      const hidden = clientForward(model, adapter, ids, plan, dropoutSeed);
      const values = (await hidden.data()) as Float32Array;
      hidden.dispose();
      encodeFloatFrame('activations', shape, values, 'float16'); // what travels to the server
      const grad = tf.tensor3d(decodeFloatFrame(gradientFrame), shape as [number, number, number]);
      const grads = clientGrads(model, adapter, ids, plan, dropoutSeed, grad);
      tf.dispose([grad, ids]);
      clipGradsByGlobalNorm(grads, 1);
      optimizer.apply(adapter.tensors, grads, 2e-4);
      disposeNamed(grads);
    },
    async sync() {
      await Object.values(adapter.tensors)[0]!.data(); // an in-order queue: this read waits for the AdamW before it
    },
    dispose() {
      adapter.dispose();
      optimizer.dispose();
      disposeNamed(model.params);
    },
  };
}
