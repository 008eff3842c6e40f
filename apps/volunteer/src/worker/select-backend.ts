// Picks the tfjs backend in the worker: WebGPU, then WebGL, then WebAssembly, then plain JS. setBackend can fail
// quietly and leave another backend active, so each choice is checked with getBackend() and a tiny matMul.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendName } from '@splitlora/protocol';
import { backendWords } from '../backend/backend-label.js';
import { probeWebGpu } from './webgpu-probe.js';
import { configureWasmPaths } from './wasm-paths.js';

export interface BackendSelection {
  backend: BackendName;
  label: string;
  detail: string;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
}

/** A 2×2 product whose answer is known: catches a backend that starts but computes garbage. */
async function smokeTest(): Promise<string | null> {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])));
  try {
    const values = await product.data();
    const expected = [19, 22, 43, 50];
    return expected.every((v, i) => Math.abs(values[i]! - v) < 1e-3) ? null : `a test product gave [${[...values].join(', ')}], expected [${expected.join(', ')}]`;
  } finally {
    product.dispose();
  }
}

/** null when `name` is active and computes correctly, else why not. */
async function activate(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok) return 'it did not start';
    if (tf.getBackend() !== name) return `${tf.getBackend()} stayed active instead`;
    return await smokeTest();
  } catch (error) {
    return `it failed to start (${messageOf(error)})`;
  }
}

export async function selectBackend(): Promise<BackendSelection> {
  tf.enableProdMode();
  const skipped: string[] = [];
  const probe = await probeWebGpu();
  if ('adapter' in probe) {
    const problem = await activate('webgpu');
    if (problem === null) return { backend: 'webgpu', ...backendWords('webgpu', probe.adapter, skipped) };
    skipped.push(`WebGPU unavailable: ${problem}`);
  } else {
    skipped.push(`WebGPU unavailable: ${probe.problem}`);
  }
  const webgl = await activate('webgl');
  if (webgl === null) return { backend: 'webgl', ...backendWords('webgl', null, skipped) };
  skipped.push(`WebGL unavailable: ${webgl}`);
  configureWasmPaths();
  const wasm = await activate('wasm');
  if (wasm === null) return { backend: 'wasm', ...backendWords('wasm', null, skipped) };
  skipped.push(`WebAssembly unavailable: ${wasm}`);
  const cpu = await activate('cpu');
  if (cpu === null) return { backend: 'cpu', ...backendWords('cpu', null, skipped) };
  throw new Error(`no tfjs backend could start: ${[...skipped, `CPU: ${cpu}`].join('; ')}`);
}
