// The header's words for the server's device: short, with software adapters marked, the full name in the tooltip.
import { describe, expect, it } from 'vitest';
import { serverDeviceLabel } from './server-device.js';

describe('serverDeviceLabel', () => {
  it('shortens adapter names and marks software adapters', () => {
    expect(serverDeviceLabel('webgpu', { kind: 'gpu', name: 'nvidia nvidia-h200 (hardware adapter)', fallback: false }))
      .toEqual({ text: 'server webgpu on nvidia nvidia-h200', title: 'nvidia nvidia-h200 (hardware adapter)' });
    const swift = serverDeviceLabel('webgpu', { kind: 'gpu', name: 'google swiftshader-device-subzero- — SwiftShader driver 5.0.0 (software fallback adapter)', fallback: true });
    expect(swift.text).toBe('server webgpu on google swiftshader-device-subzero- (software)');
    expect(swift.title).toContain('a software adapter standing in for a GPU');
    expect(serverDeviceLabel('wasm', { kind: 'cpu', name: 'CPU (WebAssembly)', fallback: false }).text).toBe('server wasm on CPU (WebAssembly)');
  });
});
