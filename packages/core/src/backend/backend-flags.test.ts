// The flag table: per-backend defaults, overrides and their restoration, parsing, and the backend gaps it records.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import {
  BACKEND_FLAGS, backendFlag, backendFlagValues, defaultFlagValue, parseBackendFlags, resetBackendFlags, setBackendFlags, withBackendFlags,
} from './backend-flags.js';

afterEach(() => resetBackendFlags());

describe('backend flags', () => {
  it('default per backend', () => {
    expect(defaultFlagValue('TRANSPOSED_CONV1D_WEIGHTS', 'wasm')).toBe(true);
    expect(defaultFlagValue('TRANSPOSED_CONV1D_WEIGHTS', 'webgpu')).toBe(false);
    expect(defaultFlagValue('PAIRWISE_ADDS', 'webgpu')).toBe(true);
    expect(defaultFlagValue('PAIRWISE_ADDS', 'cpu')).toBe(false);
    expect(defaultFlagValue('DROPOUT_ON_DEVICE', 'webgl')).toBe(true);
  });

  it('every flag says why it exists', () => {
    for (const [name, definition] of Object.entries(BACKEND_FLAGS)) expect(definition.why.length, name).toBeGreaterThan(80);
  });

  it('overrides win over defaults until reset, and withBackendFlags restores them even on error', async () => {
    setBackendFlags({ TRANSPOSED_CONV1D_WEIGHTS: true });
    expect(backendFlag('TRANSPOSED_CONV1D_WEIGHTS', 'webgpu')).toBe(true);
    await expect(withBackendFlags({ TRANSPOSED_CONV1D_WEIGHTS: false }, () => {
      expect(backendFlag('TRANSPOSED_CONV1D_WEIGHTS', 'wasm')).toBe(false);
      throw new Error('inside');
    })).rejects.toThrow('inside');
    expect(backendFlag('TRANSPOSED_CONV1D_WEIGHTS', 'webgpu')).toBe(true);
    resetBackendFlags();
    expect(backendFlag('TRANSPOSED_CONV1D_WEIGHTS', 'webgpu')).toBe(false);
    expect(backendFlagValues('wasm').TRANSPOSED_CONV1D_WEIGHTS).toBe(true);
  });

  it('refuses unknown names and wrong value types, naming them', () => {
    expect(() => setBackendFlags({ NOPE: true } as never)).toThrow(/unknown backend flag NOPE/);
    expect(() => setBackendFlags({ PAIRWISE_ADDS: 3 })).toThrow(/PAIRWISE_ADDS takes a boolean/);
    expect(parseBackendFlags('PAIRWISE_ADDS=true, DROPOUT_ON_DEVICE=false')).toEqual({ PAIRWISE_ADDS: true, DROPOUT_ON_DEVICE: false });
    expect(() => parseBackendFlags('PAIRWISE_ADDS=yes')).toThrow(/takes a boolean, found "yes"/);
    expect(() => parseBackendFlags('FOO=1')).toThrow(/expected NAME=value/);
  });
});

describe('backend gaps (a tfjs upgrade that closes one makes this fail)', () => {
  it('wasm has no gradient kernel for gather and writes integer bits for a float32 OneHot', async () => {
    await useBackend('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    const oneHot = tf.oneHot(tf.tensor1d([1], 'int32'), 2, 1, 0, 'float32');
    expect(Array.from(await oneHot.data())).toEqual([0, 1.401298464324817e-45]); // the bits of integer 1
    oneHot.dispose();
  });
});
