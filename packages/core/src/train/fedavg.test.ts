// FedAvg: token-weighted mean, equal on tensors and on the host, with name/shape errors that name the key.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withBackendFlags } from '../backend/backend-flags.js';
import { useBackend } from '../test-support/backend.js';
import { namedToTensors, tensorsToHostSync } from '../tensors/named-tensors.js';
import { fedAvg, fedAvgHost } from './fedavg.js';

const a = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([1, 2]) }, 'x.lora_B.weight': { shape: [1], data: Float32Array.from([10]) } };
const b = { 'x.lora_A.weight': { shape: [2], data: Float32Array.from([3, 6]) }, 'x.lora_B.weight': { shape: [1], data: Float32Array.from([0]) } };

describe('fedAvg', () => {
  beforeAll(() => useBackend('cpu'));

  it('weights adapters by token count', () => {
    const out = fedAvgHost([{ source: 'a', adapter: a, weight: 100 }, { source: 'b', adapter: b, weight: 300 }]);
    expect(Array.from(out['x.lora_A.weight']!.data)).toEqual([2.5, 5]);
    expect(Array.from(out['x.lora_B.weight']!.data)).toEqual([2.5]);
  });

  for (const pairwise of [false, true]) it(`gives the same result on tensors (PAIRWISE_ADDS=${pairwise}, 9 clients)`, () => withBackendFlags({ PAIRWISE_ADDS: pairwise }, () => {
    const entries = Array.from({ length: 9 }, (_, i) => ({ source: `c${i}`, adapter: i % 2 ? a : b, weight: i + 1 }));
    const host = fedAvgHost(entries);
    const tensors = entries.map((e) => ({ ...e, adapter: namedToTensors(e.adapter) }));
    const avg = tensorsToHostSync(fedAvg(tensors));
    for (const name of Object.keys(host)) {
      Array.from(avg[name]!.data).forEach((v, i) => expect(v).toBeCloseTo(host[name]!.data[i]!, 5));
    }
    tensors.forEach((e) => tf.dispose(Object.values(e.adapter)));
  }));

  it('says which key disagrees', () => {
    const missing = { 'x.lora_A.weight': a['x.lora_A.weight'] };
    expect(() => fedAvgHost([{ source: 'alice', adapter: a, weight: 1 }, { source: 'bob', adapter: missing, weight: 1 }]))
      .toThrow('adapter of bob lacks x.lora_B.weight (present in alice)');
    const wrong = { ...a, 'x.lora_B.weight': { shape: [2], data: new Float32Array(2) } };
    expect(() => fedAvgHost([{ source: 'alice', adapter: a, weight: 1 }, { source: 'bob', adapter: wrong, weight: 1 }]))
      .toThrow('adapter tensor x.lora_B.weight: alice has shape [1], bob has [2]');
    expect(() => fedAvgHost([{ source: 'alice', adapter: a, weight: 0 }])).toThrow('FedAvg weights sum to 0');
  });
});
