// Pretraining on a text that uses few of GPT-2's 50,257 tokens: the rows of the tokens that never occur in the
// training text are tied into one shared row, and a log-k logit bias on that row keeps the softmax over the whole
// vocabulary exact (HeadLossOptions.logitBias), and the shared row trains as each of its k copies would
// (FullParamOptions.tiedRows). The head then multiplies by ~12k rows instead of 50k. At the end the
// k tied rows are untied again as the shared row plus each token's own random initial row (scaled by the weight
// decay it would have had), so their input embeddings stay distinct, as after training every row.
import { type Gpt2Config, gpt2Config, type LrSchedule, learningRateAt, type NamedHostTensors, WTE } from '@splitlora/core';

export class TiedVocabulary {
  /** Reduced row of every full token id; tied tokens map to `shared`. */
  readonly toReduced: Int32Array;
  /** Index of the shared row (= number of kept rows). */
  readonly shared: number;
  /** k: how many tokens the shared row stands for. */
  readonly tiedCount: number;

  /** `kept`: the full ids with their own row (sorted), i.e. the tokens of the training text. */
  private constructor(readonly kept: Int32Array, readonly vocabSize: number) {
    this.shared = kept.length;
    this.tiedCount = vocabSize - kept.length;
    if (this.tiedCount < 1) throw new Error('every token of the vocabulary occurs in the training text; nothing to tie');
    this.toReduced = new Int32Array(vocabSize).fill(this.shared);
    kept.forEach((id, row) => (this.toReduced[id] = row));
  }

  static fromTrainingTokens(tokens: Int32Array, vocabSize: number): TiedVocabulary {
    const seen = new Uint8Array(vocabSize);
    for (const id of tokens) {
      if (id < 0 || id >= vocabSize) throw new Error(`token id ${id} outside the vocabulary of ${vocabSize}`);
      seen[id] = 1;
    }
    const kept: number[] = [];
    seen.forEach((s, id) => s && kept.push(id));
    return new TiedVocabulary(Int32Array.from(kept), vocabSize);
  }

  reduceIds(ids: Int32Array): Int32Array {
    return ids.map((id) => this.toReduced[id]!);
  }

  /** The training model's config: kept rows + the shared one (which also stands in for the special tokens). */
  reducedConfig(full: Gpt2Config): Gpt2Config {
    const special = (id: number) => this.toReduced[id]!;
    return gpt2Config(full, { vocab_size: this.shared + 1, bos_token_id: special(full.bos_token_id), eos_token_id: special(full.eos_token_id) });
  }

  /** How many tokens each row stands for: 1, and k for the shared row (FullParamOptions.tiedRows). */
  multiplicity(): Float32Array {
    const counts = new Float32Array(this.shared + 1).fill(1);
    counts[this.shared] = this.tiedCount;
    return counts;
  }

  /** 0 for kept rows, log k for the shared row. */
  logitBias(): Float32Array {
    const bias = new Float32Array(this.shared + 1);
    bias[this.shared] = Math.log(this.tiedCount);
    return bias;
  }

  /** The full model's initial weights restricted to the training model: kept rows of wte, the shared row at 0. */
  reduceParams(full: NamedHostTensors): NamedHostTensors {
    const wte = full[WTE]!;
    const E = wte.shape[1]!;
    const rows = new Float32Array((this.shared + 1) * E); // the shared row stays 0 (the mean of random rows)
    this.kept.forEach((id, row) => rows.set(wte.data.subarray(id * E, (id + 1) * E), row * E));
    return { ...full, [WTE]: { shape: [this.shared + 1, E], data: rows } };
  }

  /** The trained weights in the full vocabulary: kept rows as trained, tied row u = shared + decay · initial row u. */
  expandParams(trained: NamedHostTensors, initial: NamedHostTensors, decay: number): NamedHostTensors {
    const wte = trained[WTE]!;
    const E = wte.shape[1]!;
    const init = initial[WTE]!.data;
    const rows = new Float32Array(this.vocabSize * E);
    const shared = wte.data.subarray(this.shared * E, (this.shared + 1) * E);
    for (let id = 0; id < this.vocabSize; id++) {
      const row = this.toReduced[id]!;
      if (row !== this.shared) rows.set(wte.data.subarray(row * E, (row + 1) * E), id * E);
      else for (let j = 0; j < E; j++) rows[id * E + j] = shared[j]! + decay * init[id * E + j]!;
    }
    return { ...trained, [WTE]: { shape: [this.vocabSize, E], data: rows } };
  }
}

/** Π (1 − lr_t · weightDecay) over the run: what AdamW's decoupled decay alone does to a row in `steps` steps. */
export function decayFactor(schedule: LrSchedule, steps: number, weightDecay: number): number {
  let factor = 1;
  for (let step = 0; step < steps; step++) factor *= 1 - learningRateAt(schedule, step) * weightDecay;
  return factor;
}
