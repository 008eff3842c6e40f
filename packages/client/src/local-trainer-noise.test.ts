// Activation noise in the split trainers: σ = 0 with a huge clip sends and learns exactly what the plain trainer does;
// with noise the sent activations are the clipped ones plus the seeded N(0, σ²C²); the gradient that comes back is
// scaled by each example's clip factor; releases per example are counted for the figure; no tensor is left behind.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { activationPrivacy, type Example, GaussianNoise, gpt2Config, initGpt2Params, namedToTensors, SplitPlan } from '@splitlora/core';
import { type ActivationNoiseSettings, type ClientManifest, decodeFloatFrame, encodeFloatFrame } from '@splitlora/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { CutNoise } from './cut-noise.js';
import { LocalTrainer } from './local-trainer.js';
import { UShapedTrainer } from './u-shaped-trainer.js';

const config = gpt2Config('tiny', { n_layer: 3, n_embd: 32, n_head: 2, vocab_size: 128, n_positions: 32, bos_token_id: 127, eos_token_id: 127 });
const lora = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['c_attn' as const, 'c_fc' as const], fan_in_fan_out: true as const, enable_lora: null };
const plan = SplitPlan.create(config, { mode: 'standard', cut: 2 }, lora, 'tiny');
const params = initGpt2Params(config, 4);
const training: ClientManifest['training'] = {
  batchSize: 4, maxSeqLen: 16, padMultiple: 8, localSteps: 2, wireDtype: 'float32', lr: 1e-2, schedule: 'constant', warmupSteps: 0, totalSteps: 4,
  weightDecay: 0.01, maxGradNorm: 0, seed: 5,
};
const examples: Example[] = Array.from({ length: 6 }, (_, i) => {
  const tokens = Array.from({ length: 12 + i }, (_, j) => (i * 29 + j * 11) % config.vocab_size);
  return { tokens, lossMask: tokens.map((_, j) => (j > 1 ? 1 : 0)) };
});
const trainer = (noise: ActivationNoiseSettings | null, seed = 7) =>
  new LocalTrainer({ config, params: namedToTensors(params) }, plan, { ...training, activationNoise: noise }, examples, 11, GaussianNoise.fromSeed(seed));

/** A deterministic gradient at the cut for a frame's shape. */
const gradientFor = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return encodeFloatFrame('gradient', shape, Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 1e-2), 'float32');
};

const adapterValues = async (t: LocalTrainer) => (await t.adapterFrames()).flatMap((f) => [...decodeFloatFrame(f)]);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** Each example's block scaled to norm ≤ C, as the tab must clip it (computed here independently). */
function clipRows(values: Float32Array, examples: number, clipNorm: number): { clipped: Float32Array; scales: number[] } {
  const width = values.length / examples;
  const clipped = Float32Array.from(values);
  const scales: number[] = [];
  for (let b = 0; b < examples; b++) {
    const row = clipped.subarray(b * width, (b + 1) * width);
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    const scale = norm > clipNorm ? clipNorm / norm : 1;
    scales.push(scale);
    for (let i = 0; i < row.length; i++) row[i] = row[i]! * scale;
  }
  return { clipped, scales };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('activation noise in the split trainer', () => {
  it('with σ = 0 and a huge clip norm sends and learns exactly what the trainer without noise does', async () => {
    const baseline = tf.memory().numTensors;
    const plain = trainer(null);
    const noised = trainer({ noiseMultiplier: 0, clipNorm: 1e6, delta: 1e-5 });
    for (let step = 0; step < 2; step++) {
      const a = await plain.forward(3, step);
      const b = await noised.forward(3, step);
      expect(maxDiff(decodeFloatFrame(a.activations), decodeFloatFrame(b.activations))).toBe(0);
      expect([...b.clipScales!]).toEqual([1, 1, 1, 1]);
      await plain.backward(a, gradientFor(a.activations.shape), step);
      await noised.backward(b, gradientFor(b.activations.shape), step);
    }
    const diff = maxDiff(await adapterValues(plain), await adapterValues(noised));
    console.log(`σ = 0 vs no noise: max adapter difference ${diff}`);
    expect(diff).toBeLessThanOrEqual(1e-6);
    plain.dispose();
    noised.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('sends the clipped activations plus the seeded N(0, σ²C²), and they differ from the clean ones', async () => {
    const settings = { noiseMultiplier: 1.5, clipNorm: 0.1, delta: 1e-5 }; // these activations' norms are ~0.5
    const plain = trainer(null);
    const noised = trainer(settings, 21);
    const clean = decodeFloatFrame((await plain.forward(3, 0)).activations);
    const pending = await noised.forward(3, 0);
    const sent = decodeFloatFrame(pending.activations);
    const { clipped, scales } = clipRows(clean, training.batchSize, settings.clipNorm);
    expect(scales.some((s) => s < 1)).toBe(true); // the clip is active on these activations
    expect(maxDiff([...pending.clipScales!], scales)).toBeLessThan(1e-6);
    const residual = sent.map((v, i) => v - clipped[i]!);
    const n = residual.length;
    const mean = residual.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(residual.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const want = settings.noiseMultiplier * settings.clipNorm;
    expect(maxDiff(sent, clean)).toBeGreaterThan(want);
    console.log(`residual over ${n} values: mean ${mean.toFixed(4)}, std ${std.toFixed(4)} (want 0, ${want})`);
    expect(Math.abs(mean)).toBeLessThan((5 * want) / Math.sqrt(n));
    expect(Math.abs(std / want - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    // Exactly the seeded generator's numbers, in order (so the noise is the tab's own stream, not a copy of the data).
    const expected = GaussianNoise.fromSeed(21).addTo(Float32Array.from(clipped), want);
    expect(maxDiff(sent, expected)).toBeLessThan(1e-5);
    plain.dispose();
    noised.dispose();
  });

  it('scales the gradient that comes back by each example\'s clip factor', async () => {
    const noised = trainer({ noiseMultiplier: 0.5, clipNorm: 0.1, delta: 1e-5 });
    const plain = trainer(null);
    const a = await noised.forward(3, 0);
    const b = await plain.forward(3, 0);
    const scales = a.clipScales!;
    expect(Math.min(...scales)).toBeLessThan(1);
    const gradient = gradientFor(a.activations.shape);
    const values = decodeFloatFrame(gradient);
    const width = values.length / scales.length;
    const scaled = values.map((v, i) => v * scales[Math.floor(i / width)]!);
    await noised.backward(a, gradient, 0);
    await plain.backward(b, encodeFloatFrame('gradient', gradient.shape, scaled, 'float32'), 0);
    expect(maxDiff(await adapterValues(noised), await adapterValues(plain))).toBeLessThanOrEqual(1e-6);
    noised.dispose();
    plain.dispose();
  });

  it('counts each example\'s releases (its epochs) and gives the figure for them', async () => {
    const noised = trainer({ noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 });
    expect(noised.cutNoise!.privacySoFar()).toBeNull();
    const releases: number[] = [];
    for (let step = 0; step < 3; step++) {
      await noised.forward(3, step);
      releases.push(noised.cutNoise!.releasesPerExample());
    }
    expect(releases).toEqual([1, 2, 2]); // 6 examples, 4 per batch: 4, 8, 12 sent
    expect(noised.cutNoise!.privacySoFar()!.epsilon).toBe(activationPrivacy(1, 2, 1e-5).epsilon);
    noised.dispose();
    // Examples the stream leaves out (nothing to learn within the window) are never sent, so they do not dilute the count.
    const late: Example[] = [0, 1].map((k) => ({ tokens: Array.from({ length: 30 }, (_, j) => (k + j) % 100), lossMask: Array.from({ length: 30 }, (_, j) => (j > 20 ? 1 : 0)) }));
    const padded = new LocalTrainer({ config, params: namedToTensors(params) }, plan, { ...training, activationNoise: { noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 } }, [...examples, ...late], 11, GaussianNoise.fromSeed(2));
    await padded.forward(3, 0);
    await padded.forward(3, 1);
    expect(padded.cutNoise!.releasesPerExample()).toBe(2); // 8 sent of the 6 usable examples (not of all 8)
    padded.dispose();
    const counter = new CutNoise({ noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 }, 10, GaussianNoise.fromSeed(1));
    const heldOut = {};
    counter.countEval(heldOut);
    counter.countEval(heldOut);
    counter.countTraining(10);
    expect(counter.releasesPerExample()).toBe(2);
  });

  it('noises the u-shaped tab\'s cut activations, training and held-out alike', async () => {
    const uPlan = SplitPlan.create(config, { mode: 'u-shaped', cut: 1, tailCut: 2 }, lora, 'tiny');
    const make = (noise: ActivationNoiseSettings | null) =>
      new UShapedTrainer({ config, params: namedToTensors(params) }, uPlan, { ...training, activationNoise: noise }, examples, 11, true, GaussianNoise.fromSeed(3));
    const plain = make(null);
    const noised = make({ noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 });
    const a = await plain.cutForward(3, 0);
    const b = await noised.cutForward(3, 0);
    expect(b.clipScales).not.toBeNull();
    expect(maxDiff(decodeFloatFrame(a.activations), decodeFloatFrame(b.activations))).toBeGreaterThan(0.5);
    const batch = noised.heldOutBatches[0]!;
    expect(maxDiff(decodeFloatFrame(await plain.evalActivations(batch)), decodeFloatFrame(await noised.evalActivations(batch)))).toBeGreaterThan(0.5);
    expect(noised.cutNoise!.releasesPerExample()).toBe(1);
    plain.discard(a);
    noised.discard(b);
    plain.dispose();
    noised.dispose();
  });
});
