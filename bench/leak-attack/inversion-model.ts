// The learned inversion attack: a per-position decoder from a cut activation to the token at that position,
// trained by the server on public text through its own copy of the frozen client blocks. Inputs are
// standardized per dimension; a linear map plus a one-hidden-layer GELU MLP gives a vector that is scored against
// the (standardized) token embeddings, so every vocabulary token can be predicted, also those the public text
// never contains. Trained with a sampled softmax (the batch's tokens plus uniform negatives) and AdamW.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, createRng, geluNew, mixSeed, type NamedTensors, normalSamples, ownedVariable } from '@splitlora/core';

export interface InversionOptions {
  hidden: number;
  steps: number;
  batch: number;
  /** Uniformly drawn vocabulary tokens added to the batch's own as negatives of the softmax. */
  negatives: number;
  lr: number;
  seed: number;
}

/** Rows per scoring chunk against the whole vocabulary. */
const SCORE_CHUNK_ELEMENTS = 1 << 23;

export class InversionModel {
  private constructor(
    private readonly mean: tf.Tensor1D,
    private readonly std: tf.Tensor1D,
    private readonly weights: Record<string, tf.Variable>,
    /** Standardized output embeddings (V, E) and their transpose (E, V). */
    private readonly outputs: tf.Tensor2D,
    private readonly outputsT: tf.Tensor2D,
  ) {}

  /**
   * activations (N·E) with their tokens (N); `embeddings` (V, E) are the token embeddings the attacker knows
   * (wte of the base model). `log` receives a line every ~20 % of training.
   */
  static fit(activations: Float32Array, tokens: Int32Array, embeddings: tf.Tensor2D, options: InversionOptions, log: (line: string) => void = () => {}): InversionModel {
    const [V, E] = embeddings.shape;
    const N = tokens.length;
    if (activations.length !== N * E) throw new Error(`${activations.length} activation values for ${N} tokens of width ${E}`);
    const data = tf.tensor2d(activations, [N, E]);
    const { mean, variance } = tf.moments(data, 0);
    const std = tf.tidy(() => tf.sqrt(tf.add(variance, 1e-12))) as tf.Tensor1D;
    variance.dispose();
    const outputs = tf.tidy(() => {
      const centered = tf.sub(embeddings, tf.mean(embeddings, 0));
      return tf.div(centered, tf.sqrt(tf.mean(tf.square(centered)))) as tf.Tensor2D; // unit RMS
    });
    const rng = createRng(options.seed);
    const normal = (rows: number, cols: number, part: number) => ownedVariable(tf.tensor2d(normalSamples(createRng(mixSeed(options.seed, part)), rows * cols, 1 / Math.sqrt(rows)), [rows, cols]), true);
    const weights: Record<string, tf.Variable> = {
      linear: normal(E, E, 1), linearBias: ownedVariable(tf.zeros([E]), true),
      up: normal(E, options.hidden, 2), upBias: ownedVariable(tf.zeros([options.hidden]), true),
      down: ownedVariable(tf.zeros([options.hidden, E]), true),
    };
    const model = new InversionModel(mean as tf.Tensor1D, std, weights, outputs, tf.keep(tf.transpose(outputs)));
    const optimizer = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    const standardized = tf.tidy(() => model.standardize(data));
    data.dispose();
    for (let step = 0; step < options.steps; step++) {
      const rows = Int32Array.from({ length: Math.min(options.batch, N) }, () => Math.floor(rng() * N));
      const targets = Array.from(rows, (r) => tokens[r]!);
      const candidates = [...new Set([...targets, ...Array.from({ length: options.negatives }, () => Math.floor(rng() * V))])];
      const column = new Map(candidates.map((c, i) => [c, i]));
      const { value, grads } = tf.tidy(() => {
        const x = tf.gather(standardized, tf.tensor1d(rows, 'int32')) as tf.Tensor2D; // (b, E)
        const candidateT = tf.transpose(tf.gather(outputs, tf.tensor1d(candidates, 'int32'))) as tf.Tensor2D; // (E, C)
        const oneHot = tf.oneHot(tf.tensor1d(targets.map((t) => column.get(t)!), 'int32'), candidates.length); // (b, C)
        const f = () => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.matMul(model.project(x), candidateT))), 1))) as tf.Scalar;
        const result = tf.variableGrads(f, Object.values(weights));
        return { value: tf.keep(result.value), grads: Object.fromEntries(Object.entries(result.grads).map(([k, g]) => [k, tf.keep(g)])) };
      });
      const named: NamedTensors = {};
      for (const [name, variable] of Object.entries(weights)) named[name] = grads[variable.name]!;
      optimizer.apply(weights, named, options.lr * (1 - step / options.steps)); // linear decay to 0
      if ((step + 1) % Math.max(1, Math.round(options.steps / 5)) === 0) log(`inversion step ${step + 1}/${options.steps}: sampled loss ${(value.dataSync()[0]!).toFixed(3)}`);
      tf.dispose([value, ...Object.values(grads)]);
    }
    standardized.dispose();
    optimizer.dispose();
    return model;
  }

  private standardize(x: tf.Tensor2D): tf.Tensor2D {
    return tf.div(tf.sub(x, this.mean), this.std) as tf.Tensor2D;
  }

  /** Standardized activations (b, E) → the decoder's vector in the space of the standardized embeddings (b, E). */
  private project(x: tf.Tensor2D): tf.Tensor2D {
    const w = this.weights;
    const linear = tf.add(tf.matMul(x, w['linear']!), w['linearBias']!);
    const hidden = geluNew(tf.add(tf.matMul(x, w['up']!), w['upBias']!));
    return tf.add(linear, tf.matMul(hidden as tf.Tensor2D, w['down']!)) as tf.Tensor2D;
  }

  /** Activations (n, E) → the k most likely tokens per row over the whole vocabulary, best first: (n, k). */
  async topK(queries: tf.Tensor2D, k: number): Promise<Int32Array> {
    const [n] = queries.shape;
    const V = this.outputs.shape[0];
    const rows = Math.max(1, Math.floor(SCORE_CHUNK_ELEMENTS / V));
    const out = new Int32Array(n * k);
    for (let start = 0; start < n; start += rows) {
      const size = Math.min(rows, n - start);
      const indices = tf.tidy(() => tf.topk(tf.matMul(this.project(this.standardize(tf.slice(queries, [start, 0], [size, -1]))), this.outputsT), k).indices);
      out.set(await indices.data() as Int32Array, start * k);
      indices.dispose();
    }
    return out;
  }

  dispose(): void {
    tf.dispose([this.mean, this.std, this.outputs, this.outputsT, ...Object.values(this.weights)]);
  }
}
