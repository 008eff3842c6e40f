// Test helper: selects a tfjs backend in Node and fails loudly if another one stays active.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients and the cpu backend, as a host app does
import '@tensorflow/tfjs-backend-wasm';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`could not activate tfjs backend ${name} (active: ${tf.getBackend()})`);
}
