// The u-shaped step service on a real (small) server split: a forward then its backward make one step (the gradient
// at the cut comes back, the machine counts the step), replays get the cached answers without a second optimizer
// step, and out-of-order or malformed messages get clear error codes. Held-out evaluation waits for the local steps.
import '@tensorflow/tfjs';
import { gpt2Config, initGpt2Params, PAPER_LORA, SplitPlan } from '@splitlora/core';
import { decodeFloatFrame, encodeFloatFrame, isProtocolError, runConfigSchema } from '@splitlora/protocol';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RoundMachine } from './round-machine.js';
import { SerialQueue } from './serial-queue.js';
import { ServerSplit } from './server-split.js';
import { UShapedStepService } from './u-shaped-step-service.js';

const config = gpt2Config('tiny', { vocab_size: 300, n_embd: 32, n_layer: 3, n_head: 4, n_positions: 32, bos_token_id: 299, eos_token_id: 299 });
const plan = SplitPlan.create(config, { mode: 'u-shaped', cut: 1, tailCut: 3 }, PAPER_LORA, 'small');
const run = runConfigSchema.parse({ model: 'tiny', cut: 1, layout: 'u-shaped', localSteps: 2, batchSize: 2, maxSeqLen: 16, padMultiple: 8, wireDtype: 'float32', minClients: 1, maxClients: 1 });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return isProtocolError(error) ? error.code : `unexpected: ${(error as Error).message}`;
  }
}

describe('UShapedStepService', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('answers forward then backward, replays from its cache, and refuses what is out of order or malformed', async () => {
    const split = new ServerSplit(plan, initGpt2Params(config, 1), run, { serverAdapter: plan.initServerAdapter(2), optimizer: null });
    const machine = new RoundMachine({ rounds: 1, localSteps: 2, minClients: 1, maxClients: 1, roundTimeoutMs: 60_000, graceMs: 1000 });
    machine.start(0);
    machine.clientReady('c1', 0);
    expect([machine.state, machine.round]).toEqual(['training', 1]);
    let stepsSeen = 0;
    const service = new UShapedStepService({ runId: 'r', config: run, machine, queue: new SerialQueue(), split, onStep: () => stepsSeen++ });
    const shape = [2, 8, 32];
    const values = Float32Array.from({ length: 2 * 8 * 32 }, (_, i) => Math.sin(i));
    const stamp = { runId: 'r', round: 1, step: 0 };
    const activations = encodeFloatFrame('activations', shape, values, 'float32');

    expect(await codeOf(service.backward('c1', { stamp, gradient: encodeFloatFrame('gradient', shape, values, 'float32') }))).toBe('STALE'); // no forward yet
    const forward = await service.forward('c1', { stamp, activations });
    expect(forward.output.shape).toEqual(shape);
    expect(await service.forward('c1', { stamp, activations })).toBe(forward); // a replay: the same answer
    expect(await codeOf(service.forward('c1', { stamp: { ...stamp, step: 1 }, activations }))).toBe('STALE'); // step 1 before step 0 is done
    expect(await codeOf(service.forward('c2', { stamp, activations }))).toBe('NOT_SELECTED');
    expect(await codeOf(service.forward('c1', { stamp: { ...stamp, runId: 'other' }, activations }))).toBe('STALE');
    expect(await codeOf(service.backward('c1', { stamp, gradient: encodeFloatFrame('gradient', [2, 4, 32], values.subarray(0, 256), 'float32') }))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(service.backward('c1', { stamp, gradient: encodeFloatFrame('gradient', shape, values, 'float16') }))).toBe('DTYPE');
    expect(await codeOf(service.forward('c1', { stamp: { ...stamp, step: 0 }, activations: encodeFloatFrame('activations', [2, 8, 16], values.subarray(0, 256), 'float32') }))).toBe('ok'); // still the cached forward of step 0
    expect(await codeOf(service.evaluate('c1', { stamp: { runId: 'r', round: 1, batch: 0 }, activations }))).toBe('STALE'); // before the local steps

    const before = (await split.serverAdapter());
    const backward = await service.backward('c1', { stamp, gradient: encodeFloatFrame('gradient', shape, values.map((v) => v * 1e-2), 'float32') });
    expect(backward.gradient.shape).toEqual(shape);
    expect(decodeFloatFrame(backward.gradient).some((v) => v !== 0)).toBe(true);
    expect(machine.participants.get('c1')!.stepsDone).toBe(1);
    expect(stepsSeen).toBe(1);
    const after = await split.serverAdapter();
    const moved = Object.keys(after).some((n) => after[n]!.data.some((v, i) => v !== before[n]!.data[i]));
    expect(moved).toBe(true); // the server stepped its adapter
    expect(await service.backward('c1', { stamp, gradient: encodeFloatFrame('gradient', shape, values, 'float32') })).toBe(backward); // replay: cached, no second step
    expect(machine.participants.get('c1')!.stepsDone).toBe(1);
    expect(await codeOf(service.forward('c1', { stamp, activations }))).toBe('STALE'); // step 0 is done

    const stamp1 = { ...stamp, step: 1 };
    await service.forward('c1', { stamp: stamp1, activations });
    await service.backward('c1', { stamp: stamp1, gradient: encodeFloatFrame('gradient', shape, values.map((v) => v * 1e-2), 'float32') });
    const evaluated = await service.evaluate('c1', { stamp: { runId: 'r', round: 1, batch: 0 }, activations });
    expect(evaluated.output.shape).toEqual(shape);
    split.dispose();
  });
});
