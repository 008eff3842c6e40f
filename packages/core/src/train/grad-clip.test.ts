// Clipping on the device equals clipping with the norm read to the host (torch's clip_grad_norm_ formula), above and
// below the limit, on every Node backend, and leaves no tensors behind.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { NamedTensors } from '../tensors/named-tensors.js';
import { useBackend } from '../test-support/backend.js';
import { clipGradsByGlobalNorm, clipScale, globalNorm, scaleGradsInPlace } from './grad-clip.js';

function grads(factor: number): NamedTensors {
  return {
    a: tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(i) * factor), [3, 4]),
    b: tf.tensor1d(Array.from({ length: 5 }, (_, i) => Math.cos(i) * factor)),
  };
}

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  describe(`clipGradsByGlobalNorm on ${backend}`, () => {
    it('scales like the host formula when the norm is above the limit, and leaves smaller gradients alone', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      for (const factor of [10, 0.01]) {
        const onDevice = grads(factor);
        const onHost = grads(factor);
        clipGradsByGlobalNorm(onDevice, 1);
        scaleGradsInPlace(onHost, clipScale(await globalNorm(onHost), 1));
        for (const name of ['a', 'b']) {
          const [x, y] = [await onDevice[name]!.data(), await onHost[name]!.data()];
          x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(Math.abs(y[i]!) * 1e-6));
        }
        if (factor === 10) expect(await globalNorm(onDevice)).toBeCloseTo(1, 5);
        tf.dispose([...Object.values(onDevice), ...Object.values(onHost)]);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
