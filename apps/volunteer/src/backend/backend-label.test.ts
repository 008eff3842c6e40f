// Unit tests of the words for the selected backend (the adapter's words are tested in the core).
import { describe, expect, it } from 'vitest';
import { backendWords } from './backend-label.js';

describe('backendWords', () => {
  it('labels WebGPU with its adapter and fallbacks with the first reason', () => {
    expect(backendWords('webgpu', 'SwiftShader adapter', [])).toEqual({ label: 'WebGPU (SwiftShader adapter)', detail: 'Using WebGPU, the first choice.' });
    const webgl = backendWords('webgl', null, ['WebGPU unavailable: no adapter']);
    expect(webgl.label).toBe('WebGL — WebGPU unavailable: no adapter');
    expect(webgl.detail).toBe('Using WebGL. Not used: WebGPU unavailable: no adapter.');
    expect(backendWords('wasm', null, ['WebGPU unavailable: no adapter', 'WebGL unavailable: it did not start']).detail).toContain('WebGL unavailable: it did not start');
  });
});
