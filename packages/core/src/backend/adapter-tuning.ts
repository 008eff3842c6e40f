// Settings that depend on the WebGPU adapter, applied once webgpu is active: on a software adapter (SwiftShader in
// CI and in headless browsers) tfjs's matMul program is fixed by the SOFTWARE_ADAPTER_MATMUL_PROGRAM flag.
import * as tf from '@tensorflow/tfjs-core';
import { backendFlag } from './backend-flags.js';
import { type AdapterFacts, isSoftwareAdapter } from './gpu-adapter.js';

/** Applies the adapter's settings to tfjs-backend-webgpu (registered by now); returns what it set, for logs. */
export function tuneForAdapter(adapter: AdapterFacts): Record<string, number> {
  if (!isSoftwareAdapter(adapter)) return {};
  const program = backendFlag('SOFTWARE_ADAPTER_MATMUL_PROGRAM', 'webgpu');
  if (program < 0) return {};
  tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', program);
  return { WEBGPU_MATMUL_PROGRAM_TYPE: program };
}
