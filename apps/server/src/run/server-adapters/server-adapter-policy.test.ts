// The server-adapter policies: SFL-V2 trains one shared adapter (and may fuse clients); SFL-V1 trains a copy per
// client from the global adapter and, when the round closes, averages the reporters' copies by tokens (FedAvg),
// dropping every copy; a restarted round drops the copies and keeps the global adapter.
import '@tensorflow/tfjs';
import { gpt2Config, initAdapter, type NamedHostTensors, PAPER_LORA, SplitPlan } from '@splitlora/core';
import { runConfigSchema } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverAdapterPolicyFor } from './server-adapter-policy.js';

const config = gpt2Config('tiny', { n_layer: 3 });
const plan = SplitPlan.create(config, 1, PAPER_LORA, 'tiny');
const start = initAdapter(config, PAPER_LORA, 1, 3, 4);

/** `values` with every element set to `v`. */
function filled(values: NamedHostTensors, v: number): NamedHostTensors {
  return Object.fromEntries(Object.entries(values).map(([n, t]) => [n, { shape: t.shape, data: new Float32Array(t.data.length).fill(v) }]));
}

describe('server-adapter policies', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('SFL-V2 shares one adapter and optimizer among all clients', async () => {
    const before = tf.memory().numTensors;
    const policy = serverAdapterPolicyFor(runConfigSchema.parse({ sfl: 'v2', cut: 1 }), plan, { serverAdapter: start, optimizer: null });
    expect(policy.fusesClients).toBe(true);
    expect(policy.trainerFor('a')).toBe(policy.trainerFor('b'));
    policy.trainerFor('a').adapter.load(filled(start, 0.5));
    await policy.closeRound(['a', 'b'], 1);
    policy.abortRound();
    expect(Object.values(await policy.current()).every((t) => t.data.every((v) => v === 0.5))).toBe(true);
    expect((await policy.optimizerState())?.steps).toBe(0);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SFL-V2 rolls the shared adapter and its optimizer back when a round restarts', async () => {
    const before = tf.memory().numTensors;
    const policy = serverAdapterPolicyFor(runConfigSchema.parse({ sfl: 'v2', cut: 1 }), plan, { serverAdapter: start, optimizer: null });
    const shared = policy.trainerFor('a');
    shared.adapter.load(filled(start, 0.9)); // trained by a round that then restarts
    shared.optimizer.steps = 4;
    policy.abortRound();
    expect(await policy.current()).toEqual(start);
    expect((await policy.optimizerState())?.steps).toBe(0);
    shared.adapter.load(filled(start, 0.5));
    await policy.closeRound(['a'], 1);
    shared.adapter.load(filled(start, -2));
    shared.optimizer.steps = 7;
    policy.abortRound();
    expect(Object.values(await policy.current()).every((t) => t.data.every((v) => v === 0.5))).toBe(true);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SFL-V1 trains a copy per client and aggregates the reporters\' copies by tokens at the round\'s end', async () => {
    const before = tf.memory().numTensors;
    const policy = serverAdapterPolicyFor(runConfigSchema.parse({ sfl: 'v1', cut: 1 }), plan, { serverAdapter: start, optimizer: null });
    expect(policy.fusesClients).toBe(false);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => policy.trainerFor(id));
    expect(a).not.toBe(b);
    expect(await a!.adapter.toHost()).toEqual(start);
    a!.adapter.load(filled(start, 1));
    a!.tokens = 100;
    b!.adapter.load(filled(start, 5));
    b!.tokens = 300;
    c!.adapter.load(filled(start, 9)); // trained, but does not report
    c!.tokens = 50;
    expect(await policy.current()).toBe(start); // nothing is aggregated before the round closes
    await policy.closeRound(['a', 'b'], 1);
    expect(Object.values(await policy.current()).every((t) => t.data.every((v) => v === 4))).toBe(true); // (1·100 + 5·300) / 400
    expect(await policy.trainerFor('a').adapter.toHost()).toEqual(await policy.current()); // a fresh copy of the new global
    policy.trainerFor('b').adapter.load(filled(start, 7));
    policy.abortRound();
    expect(Object.values(await policy.current()).every((t) => t.data.every((v) => v === 4))).toBe(true);
    expect(await policy.optimizerState()).toBeNull();
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
