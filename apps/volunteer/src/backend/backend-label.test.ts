// Unit tests of the words for the selected backend and its GPU adapter.
import { describe, expect, it } from 'vitest';
import { backendWords, describeAdapter } from './backend-label.js';

describe('describeAdapter', () => {
  it('recognises SwiftShader and names other adapters by vendor and architecture', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true })).toBe('SwiftShader adapter');
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'ampere' })).toBe('nvidia ampere adapter');
    expect(describeAdapter({ description: 'Apple M2' })).toBe('Apple M2 adapter');
    expect(describeAdapter({ vendor: 'intel', isFallbackAdapter: true })).toBe('intel adapter, software fallback');
    expect(describeAdapter({})).toBe('unknown adapter');
  });
});

describe('backendWords', () => {
  it('labels WebGPU with its adapter and fallbacks with the first reason', () => {
    expect(backendWords('webgpu', 'SwiftShader adapter', [])).toEqual({ label: 'WebGPU (SwiftShader adapter)', detail: 'Using WebGPU, the first choice.' });
    const webgl = backendWords('webgl', null, ['WebGPU unavailable: no adapter']);
    expect(webgl.label).toBe('WebGL — WebGPU unavailable: no adapter');
    expect(webgl.detail).toBe('Using WebGL. Not used: WebGPU unavailable: no adapter.');
    expect(backendWords('wasm', null, ['WebGPU unavailable: no adapter', 'WebGL unavailable: it did not start']).detail).toContain('WebGL unavailable: it did not start');
  });
});
