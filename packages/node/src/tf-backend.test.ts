// Backend selection in Node: `auto` never settles on a software WebGPU adapter (SwiftShader) but names it among the
// skipped choices; `webgpu` by name takes it and says it is a fallback; a wrong name is refused.
import { isSoftwareAdapter } from '@splitlora/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadDawnWebGpu } from './dawn-webgpu.js';
import { adapterName, selectNodeBackend } from './tf-backend.js';

describe('selectNodeBackend', () => {
  it('takes webgpu when asked by name and describes the adapter', async () => {
    const selection = await selectNodeBackend('webgpu');
    const dawn = await loadDawnWebGpu();
    if ('problem' in dawn) throw new Error(dawn.problem);
    expect(selection.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(selection.device).toEqual({ kind: 'gpu', name: adapterName(dawn.adapter), adapter: dawn.adapter, fallback: isSoftwareAdapter(dawn.adapter) });
  });

  it('auto skips a software adapter, saying so, and uses it only when it is hardware', async () => {
    const dawn = await loadDawnWebGpu();
    if ('problem' in dawn) throw new Error(dawn.problem);
    const selection = await selectNodeBackend('auto');
    if (isSoftwareAdapter(dawn.adapter)) {
      expect(selection.backend).not.toBe('webgpu');
      expect(selection.detail).toContain('WebGPU (Dawn) unavailable: the only adapter is a software fallback');
    } else {
      expect(['tensorflow', 'webgpu']).toContain(selection.backend); // CUDA TensorFlow comes first where it runs
    }
    expect(selection.backend).toBe(tf.getBackend());
  });

  it('refuses an unknown backend and names the choices', async () => {
    await expect(selectNodeBackend('metal' as never)).rejects.toThrow('backend must be one of auto, tensorflow, webgpu, wasm, cpu, found "metal"');
  });
});
