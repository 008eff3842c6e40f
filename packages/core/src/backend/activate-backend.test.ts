// The one activation routine: each Node backend starts and passes the known product (webgpu on Dawn), and a
// preference list skips candidates that do not prepare, start or verify, saying why, best first.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backend.js';
import { activateBackend, selectFirstBackend } from './activate-backend.js';

describe('activateBackend', () => {
  for (const name of ['cpu', 'wasm', 'webgpu'] as const) {
    it(`activates ${name} and checks it computes`, async () => {
      await useBackend(name);
      await useBackend('cpu');
      expect(await activateBackend(name)).toBeNull();
      expect(tf.getBackend()).toBe(name);
    });
  }

  it('says why an unknown backend did not start', async () => {
    expect(await activateBackend('no-such-backend')).toMatch(/did not start|failed to start/);
  });
});

describe('selectFirstBackend', () => {
  it('skips candidates that fail to prepare, start or verify, with the reasons in order', async () => {
    const choice = await selectFirstBackend([
      { name: 'wasm', label: 'First', prepare: async () => 'no package' },
      { name: 'no-such-backend', label: 'Second' },
      { name: 'wasm', label: 'Third', verify: async () => 'wrong device' },
      { name: 'cpu', label: 'Fourth', prepare: async () => { throw new Error('boom\nmore'); } },
      { name: 'cpu', label: 'Fifth' },
    ]);
    expect(choice.candidate.label).toBe('Fifth');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.skipped[0]).toBe('First unavailable: no package');
    expect(choice.skipped[1]).toMatch(/^Second unavailable: /);
    expect(choice.skipped[2]).toBe('Third unavailable: wrong device');
    expect(choice.skipped[3]).toBe('Fourth unavailable: boom');
    await expect(selectFirstBackend([{ name: 'cpu', label: 'Only', prepare: async () => 'never' }])).rejects.toThrow('no tfjs backend could start: Only unavailable: never');
  });
});
