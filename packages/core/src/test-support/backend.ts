// Test helper: activates a tfjs backend in Node through the one checked activation routine and fails loudly if
// another one stays active. 'webgpu' runs on Dawn (loaded by @splitlora/node), on whatever adapter it finds.
import '@tensorflow/tfjs'; // registers the gradients and the cpu backend, as a host app does
import '@tensorflow/tfjs-backend-wasm';
import { activateBackend } from '../backend/activate-backend.js';
import { tuneForAdapter } from '../backend/adapter-tuning.js';

export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

export async function useBackend(name: TestBackend): Promise<void> {
  let tune = () => {};
  if (name === 'webgpu') {
    const { loadDawnWebGpu } = await import('@splitlora/node');
    const dawn = await loadDawnWebGpu();
    if ('problem' in dawn) throw new Error(`could not activate tfjs backend webgpu: ${dawn.problem}`);
    tune = () => void tuneForAdapter(dawn.adapter);
  }
  const problem = await activateBackend(name);
  if (problem !== null) throw new Error(`could not activate tfjs backend ${name}: ${problem}`);
  tune();
}

