// Words for GPU adapters, software adapters recognised, and the adapter probe over a stand-in GPU object.
import { describe, expect, it } from 'vitest';
import { describeAdapter, isSoftwareAdapter, probeAdapter } from './gpu-adapter.js';

describe('describeAdapter', () => {
  it('recognises SwiftShader and names other adapters by vendor and architecture', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true })).toBe('SwiftShader adapter');
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'ampere' })).toBe('nvidia ampere adapter');
    expect(describeAdapter({ description: 'Apple M2' })).toBe('Apple M2 adapter');
    expect(describeAdapter({ vendor: 'intel', isFallbackAdapter: true })).toBe('intel adapter, software fallback');
    expect(describeAdapter({})).toBe('unknown adapter');
  });
});
describe('isSoftwareAdapter', () => {
  it('knows fallback adapters and software implementations by name', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: false })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'x', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', device: 'nvidia-h200', isFallbackAdapter: false })).toBe(false);
  });
});

describe('probeAdapter', () => {
  it('copies the info getters, drops empty fields, and reports a missing adapter or a failure', async () => {
    class Info { get vendor() { return 'nvidia'; } get device() { return 'nvidia-h200'; } get description() { return ''; } get isFallbackAdapter() { return false; } }
    expect(await probeAdapter({ requestAdapter: async () => ({ info: new Info() }) })).toEqual({ adapter: { vendor: 'nvidia', device: 'nvidia-h200', isFallbackAdapter: false } });
    expect(await probeAdapter({ requestAdapter: async () => null })).toEqual({ problem: 'no adapter' });
    expect(await probeAdapter({ requestAdapter: async () => { throw new Error('lost'); } })).toEqual({ problem: 'requesting an adapter failed (lost)' });
  });
});
