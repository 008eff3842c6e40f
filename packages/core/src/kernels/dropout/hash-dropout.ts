// Dropout with masks made on the device (the HashDropout kernel on cpu, wasm, webgl and webgpu): y = keep·x/(1−rate)
// with keep a pure function of (seed, element index). Its gradient is the same kernel applied to dy — the very same
// mask — so a recomputed forward (the client's backward) and every backend agree bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { hashDropoutCpuConfig } from './dropout-cpu.js';
import { HASH_DROPOUT, type HashDropoutAttrs } from './dropout-kernel-name.js';
import { hashDropoutWasmConfig } from './dropout-wasm.js';
import { hashDropoutWebGlConfig } from './dropout-webgl.js';
import { hashDropoutWebGpuConfig } from './dropout-webgpu.js';

let registered = false;

/** Registers the kernel for every backend and its gradient (once; later calls do nothing). */
export function registerHashDropout(): void {
  if (registered) return;
  registered = true;
  for (const config of [hashDropoutCpuConfig, hashDropoutWasmConfig, hashDropoutWebGlConfig, hashDropoutWebGpuConfig]) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  if (tf.getGradient(HASH_DROPOUT) === undefined) {
    tf.registerGradient({
      kernelName: HASH_DROPOUT,
      gradFunc: (dy, _saved, attrs) => ({ x: () => runHashDropout(dy as tf.Tensor, attrs as unknown as HashDropoutAttrs) }),
    });
  }
}

function runHashDropout<T extends tf.Tensor>(x: T, attrs: HashDropoutAttrs): T {
  return tf.engine().runKernel(HASH_DROPOUT, { x }, attrs as unknown as tf.NamedAttrMap) as T;
}

/** Drops each element of a float32 tensor with probability `rate` (mask from `seed`), scaling the rest by 1/(1−rate). */
export function hashDropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (x.dtype !== 'float32') throw new Error(`hashDropout takes a float32 tensor, found ${x.dtype}`);
  registerHashDropout();
  return runHashDropout(x, { rate, seed: seed >>> 0 });
}
