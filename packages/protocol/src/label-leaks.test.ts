// The label-leak inspector flags what a standard-layout step sends (targets, loss mask) and passes what a u-shaped
// step sends (float activations and gradients only).
import { describe, expect, it } from 'vitest';
import { labelLeaks } from './label-leaks.js';

const stamp = { runId: 'r1', round: 1, step: 0 };
const floats = (name: string) => ({ name, shape: [2, 8, 16], dtype: 'float16', data: new Uint8Array(512) });

describe('labelLeaks', () => {
  it('flags the targets, the loss mask and their integer frames in a standard-layout step', () => {
    const payload = {
      stamp, activations: floats('activations'),
      targets: { name: 'targets', shape: [16], dtype: 'uint16', data: new Uint8Array(32) },
      lossMask: { name: 'lossMask', shape: [16], dtype: 'uint8', data: new Uint8Array(16) },
    };
    expect(labelLeaks('train:activations', payload)).toEqual([
      'train:activations.targets: a targets field', 'train:activations.targets: a uint16 frame targets',
      'train:activations.lossMask: a lossMask field', 'train:activations.lossMask: a uint8 frame lossMask',
    ]);
  });

  it('passes a u-shaped forward and backward, and a round update with a held-out loss', () => {
    expect(labelLeaks('ushaped:forward', { stamp, activations: floats('activations') })).toEqual([]);
    expect(labelLeaks('ushaped:backward', { stamp, gradient: floats('gradient') })).toEqual([]);
    expect(labelLeaks('round:update', { stamp, heldOut: { meanLoss: 3.2, tokens: 90 } })).toEqual([]);
  });

  it('flags a step loss, token ids as a JSON array, and an integer frame inside a bundle', () => {
    expect(labelLeaks('round:update', { stamp, meanLoss: 3.1 })).toEqual(['round:update.meanLoss: a meanLoss field']);
    expect(labelLeaks('x', { window: [464, 2068, 7586] })).toEqual(['x.window: an array of 3 numbers']);
    expect(labelLeaks('x', { bundle: { tensors: [{ name: 'w', shape: [3], dtype: 'int32', offset: 0 }] } })).toEqual(['x.bundle.tensors[0]: a int32 frame w']);
  });
});
