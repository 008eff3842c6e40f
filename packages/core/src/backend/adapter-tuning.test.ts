// Software adapters get the matMul program of the SOFTWARE_ADAPTER_MATMUL_PROGRAM flag; hardware adapters keep
// tfjs's own choice.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import { tuneForAdapter } from './adapter-tuning.js';
import { resetBackendFlags, setBackendFlags } from './backend-flags.js';

afterEach(() => resetBackendFlags());

describe('tuneForAdapter', () => {
  it('sets the matMul program on software adapters only, as the flag says', async () => {
    await useBackend('webgpu');
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', -1);
    expect(tuneForAdapter({ vendor: 'nvidia', device: 'nvidia-h200', isFallbackAdapter: false })).toEqual({});
    expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(-1);
    expect(tuneForAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })).toEqual({ WEBGPU_MATMUL_PROGRAM_TYPE: 3 });
    expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(3);
    setBackendFlags({ SOFTWARE_ADAPTER_MATMUL_PROGRAM: -1 });
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', -1);
    expect(tuneForAdapter({ vendor: 'google', isFallbackAdapter: true })).toEqual({});
    expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(-1);
  });
});
