// Activates a tfjs backend in the benchmark page and checks it really is the active one: setBackend returned true
// AND getBackend() names it (setBackend can fail quietly and leave another backend running).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type PageBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export type PageActivation =
  | { ok: true; backend: string; adapter: string | null; crossOriginIsolated: boolean }
  | { ok: false; reason: string };

setWasmPaths({
  'tfjs-backend-wasm.wasm': plainWasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasmUrl,
});

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

async function webGpuAdapter(): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) return null;
  const adapter = await gpu.requestAdapter();
  const info = adapter?.info;
  return adapter === null ? null : [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' / ') || 'unnamed adapter';
}

export async function activatePageBackend(name: PageBackend): Promise<PageActivation> {
  tf.enableProdMode();
  let adapter: string | null = null;
  if (name === 'webgpu') {
    if ((navigator as unknown as { gpu?: unknown }).gpu === undefined) return { ok: false, reason: 'navigator.gpu is undefined (no WebGPU in this browser)' };
    adapter = await webGpuAdapter();
    if (adapter === null) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null' };
  }
  let set: boolean;
  try {
    set = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    return { ok: false, reason: `setBackend('${name}') threw: ${(error as Error).message.split('\n')[0]!.slice(0, 160)}` };
  }
  if (!set) return { ok: false, reason: `setBackend('${name}') returned false (active: ${tf.getBackend()})` };
  if (tf.getBackend() !== name) return { ok: false, reason: `setBackend('${name}') returned true but getBackend() is ${tf.getBackend()}` };
  return { ok: true, backend: tf.getBackend(), adapter, crossOriginIsolated: globalThis.crossOriginIsolated === true };
}
