// Activates a tfjs backend in the benchmark page through the core's checked activation (setBackend can fail
// quietly; a backend can start and compute garbage), and names the WebGPU adapter it runs on.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { activateBackend, type AdapterFacts, type GpuLike, probeAdapter, tuneForAdapter } from '@splitlora/core';

export type PageBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export type PageActivation =
  | { ok: true; backend: string; adapter: string | null; crossOriginIsolated: boolean }
  | { ok: false; reason: string };

setWasmPaths({
  'tfjs-backend-wasm.wasm': plainWasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasmUrl,
});

/** The adapter's own words, or why there is none. */
async function webGpuAdapter(): Promise<{ adapter: AdapterFacts } | { reason: string }> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) return { reason: 'navigator.gpu is undefined (no WebGPU in this browser)' };
  const probe = await probeAdapter(gpu);
  if ('problem' in probe) return { reason: `navigator.gpu.requestAdapter(): ${probe.problem}` };
  return { adapter: probe.adapter };
}

export async function activatePageBackend(name: PageBackend): Promise<PageActivation> {
  tf.enableProdMode();
  let adapter: AdapterFacts | null = null;
  if (name === 'webgpu') {
    const found = await webGpuAdapter();
    if ('reason' in found) return { ok: false, reason: found.reason };
    adapter = found.adapter;
  }
  const problem = await activateBackend(name);
  if (problem !== null) return { ok: false, reason: `${name}: ${problem}` };
  if (adapter !== null) tuneForAdapter(adapter);
  const words = adapter === null ? null : [adapter.vendor, adapter.architecture, adapter.description].filter((s) => s).join(' / ') || 'unnamed adapter';
  return { ok: true, backend: tf.getBackend(), adapter: words, crossOriginIsolated: globalThis.crossOriginIsolated === true };
}
