// Picks the tfjs backend in the worker: WebGPU, then WebGL, then WebAssembly, then plain JS, through the core's
// checked activation (setBackend can fail quietly; a backend can start and compute garbage).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type AdapterFacts, describeAdapter, selectFirstBackend, tuneForAdapter } from '@splitlora/core';
import type { BackendName } from '@splitlora/protocol';
import { backendWords } from '../backend/backend-label.js';
import { probeWebGpu } from './webgpu-probe.js';
import { configureWasmPaths } from './wasm-paths.js';

export interface BackendSelection {
  backend: BackendName;
  label: string;
  detail: string;
}

export async function selectBackend(): Promise<BackendSelection> {
  tf.enableProdMode();
  let adapter: AdapterFacts | null = null;
  const { candidate, skipped } = await selectFirstBackend([
    {
      name: 'webgpu', label: 'WebGPU',
      prepare: async () => {
        const probe = await probeWebGpu();
        if ('problem' in probe) return probe.problem;
        adapter = probe.adapter;
        return null;
      },
    },
    { name: 'webgl', label: 'WebGL' },
    { name: 'wasm', label: 'WebAssembly', prepare: async () => (configureWasmPaths(), null) },
    { name: 'cpu', label: 'CPU' },
  ]);
  const backend = candidate.name as BackendName;
  if (backend === 'webgpu' && adapter !== null) tuneForAdapter(adapter);
  return { backend, ...backendWords(backend, backend === 'webgpu' && adapter !== null ? describeAdapter(adapter) : null, skipped) };
}
