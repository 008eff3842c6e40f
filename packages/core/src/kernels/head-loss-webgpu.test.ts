// The tied head's cross-entropy with the fused row kernels on WebGPU equals the unfused chunks (on WebGPU and on
// cpu): the loss, d(loss)/dh, the per-token losses and the forward-only loss; one row, vocabularies that do not fill
// the 256-wide workgroup or span several of its strides, several chunks, label smoothing on and off.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { withBackendFlags } from '../backend/backend-flags.js';
import { createRng } from '../data/rng.js';
import { tiedHeadCrossEntropy } from '../train/head-loss.js';
import { expectFusedMatchesUnfused, type HostInput, randomInput } from '../test-support/fused-compare.js';
import { useBackend } from '../test-support/backend.js';
import { maxAbsDiff } from '../test-support/fixtures.js';
import { FUSED_HEAD_LOSS } from './head-loss-webgpu.js';

const CASES = [
  { N: 1, V: 7, E: 4, eps: 0, rowsPerChunk: 1 },
  { N: 13, V: 300, E: 6, eps: 0.1, rowsPerChunk: 5 },
  { N: 9, V: 1000, E: 8, eps: 0, rowsPerChunk: 9 },
];

function labels(N: number, V: number) {
  const rng = createRng(N + V);
  return { targets: Int32Array.from({ length: N }, () => Math.floor(rng() * V)), mask: Float32Array.from({ length: N }, (_, i) => (i % 4 === 3 ? 0 : 1)) };
}

describe('fused head cross-entropy (webgpu)', () => {
  for (const { N, V, E, eps, rowsPerChunk } of CASES) {
    const { targets, mask } = labels(N, V);
    // The head's gradient reads targets and mask when backprop runs: they are inputs, alive for the whole case.
    const head = (h: tf.Tensor, wte: tf.Tensor, t: tf.Tensor, m: tf.Tensor, options: { perTokenSink?: (t: tf.Tensor1D) => void; forwardOnly?: boolean } = {}) =>
      tiedHeadCrossEntropy(h as tf.Tensor2D, wte as tf.Tensor2D, null, t as tf.Tensor1D, m as tf.Tensor1D, 7, {
        labelSmoothing: eps, chunkElements: rowsPerChunk * V, ...options,
      });
    const inputs = (): HostInput[] => [
      randomInput([N, E], 1), { ...randomInput([V, E], 2, 0.5), differentiable: false },
      { shape: [N], data: targets, differentiable: false }, { shape: [N], data: mask, differentiable: false },
    ];

    it(`equals the unfused chunks: N ${N}, V ${V}, ε ${eps}, ${Math.ceil(N / rowsPerChunk)} chunks`, async () => {
      await expectFusedMatchesUnfused(`head loss N${N} V${V} ε${eps}`, 'FUSED_HEAD_LOSS', FUSED_HEAD_LOSS, (h, wte, t, m) => head(h!, wte!, t!, m!), inputs());
    });

    it(`gives the same per-token and forward-only losses: N ${N}, V ${V}`, async () => {
      await useBackend('webgpu');
      const [h, wte, t, m] = inputs().map((i) => tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32'));
      const perTokenAndForward = (fused: boolean) => withBackendFlags({ FUSED_HEAD_LOSS: fused }, async () => {
        let perToken: tf.Tensor1D | null = null;
        const loss = tf.tidy(() => head(h!, wte!, t!, m!, { perTokenSink: (t) => (perToken = t) }));
        const forward = tf.tidy(() => head(h!, wte!, t!, m!, { forwardOnly: true }));
        const out = { perToken: await perToken!.data(), loss: (await loss.data())[0]!, forward: (await forward.data())[0]! };
        tf.dispose([loss, forward, perToken!]);
        return out;
      });
      const before = tf.memory().numTensors;
      const fused = await perTokenAndForward(true);
      const unfused = await perTokenAndForward(false);
      expect(tf.memory().numTensors).toBe(before);
      console.log(`head loss N${N} V${V}: per-token max |Δ| ${maxAbsDiff(fused.perToken, unfused.perToken).toExponential(1)}, `
        + `forward-only loss |Δ| ${Math.abs(fused.forward - unfused.forward).toExponential(1)} (loss ${unfused.forward.toFixed(4)})`);
      expect(maxAbsDiff(fused.perToken, unfused.perToken)).toBeLessThanOrEqual(1e-5 * Math.max(...unfused.perToken));
      expect(Math.abs(fused.forward - fused.loss)).toBeLessThanOrEqual(1e-6 * fused.loss);
      expect(Math.abs(fused.forward - unfused.forward)).toBeLessThanOrEqual(1e-5 * unfused.forward);
      tf.dispose([h!, wte!, t!, m!]);
    });
  }
});
