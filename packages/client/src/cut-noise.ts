// Activation noise in the tab (docs/PRIVACY.md, "Activation noise"): clips and noises each example's cut activations
// before they are encoded, scales the gradient that comes back by the same clip factors, and counts how many times
// each example's activations left the tab, for the per-example (ε, δ) figure.
import { type ActivationPrivacy, activationPrivacy, GaussianNoise, noiseActivations, validateActivationNoise } from '@splitlora/core';
import type { ActivationNoiseSettings } from '@splitlora/protocol';

export class CutNoise {
  private sentTraining = 0;
  private readonly evalSends = new Map<object, number>();

  /** `noise`: a seeded generator for tests; by default one keyed from the platform's CSPRNG (the noise must stay secret). */
  constructor(readonly settings: ActivationNoiseSettings, private readonly trainingExamples: number, private readonly noise: GaussianNoise = GaussianNoise.secure()) {
    validateActivationNoise(settings);
  }

  /** Clips and noises `values` (B examples, row-major) in place; returns each example's clip factor. */
  apply(values: Float32Array, examples: number): Float32Array {
    return noiseActivations(values, examples, this.settings, this.noise).scales;
  }

  /** A training batch of `examples` was sent (the stream walks its shuffled epochs in order). */
  countTraining(examples: number): void {
    this.sentTraining += examples;
  }

  /** An evaluation batch was sent (the same held-out batch each round). */
  countEval(batch: object): void {
    this.evalSends.set(batch, (this.evalSends.get(batch) ?? 0) + 1);
  }

  /**
   * The most times any one example's activations were sent: the stream sends every training example once per epoch
   * before any twice, so it is ⌈sent / examples⌉; held-out examples are disjoint from them and counted per batch.
   */
  releasesPerExample(): number {
    const training = this.trainingExamples > 0 ? Math.ceil(this.sentTraining / this.trainingExamples) : 0;
    return Math.max(training, ...this.evalSends.values());
  }

  /** The per-example figure so far; null before anything was sent. */
  privacySoFar(): ActivationPrivacy | null {
    const releases = this.releasesPerExample();
    return releases === 0 ? null : activationPrivacy(this.settings.noiseMultiplier, releases, this.settings.delta);
  }
}

/** Multiplies each example's rows of the gradient at the cut (B examples, row-major) by its clip factor, in place. */
export function scaleByClipFactors(gradient: Float32Array, scales: Float32Array): Float32Array {
  if (gradient.length % scales.length !== 0) throw new Error(`a gradient of ${gradient.length} values cannot be split into ${scales.length} examples`);
  const width = gradient.length / scales.length;
  for (let b = 0; b < scales.length; b++) {
    const scale = scales[b]!;
    if (scale === 1) continue;
    for (let i = b * width; i < (b + 1) * width; i++) gradient[i] = gradient[i]! * scale;
  }
  return gradient;
}
