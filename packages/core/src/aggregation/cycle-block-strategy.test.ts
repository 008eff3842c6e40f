// FedCyBGD's strategy on a tiny random model: per-block versions, per-block aggregation (replacement for one
// uploader, token-weighted mean for several), downloads as deltas against what a volunteer holds, and held
// versions reported back.
import { runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { gpt2Config } from '../config/gpt2-config.js';
import { blockTable as table } from '../cycle-block/block-names.js';
import { packBlocks, packedBlockSize } from '../cycle-block/block-packing.js';
import { blockParamShapes } from '../model/param-names.js';
import { initGpt2Params } from '../model/init-params.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import { CycleBlockStrategy } from './cycle-block-strategy.js';
import { strategyFor } from './strategy-for.js';

const config = gpt2Config('tiny', { n_layer: 3, n_embd: 8, n_head: 2, n_positions: 16, vocab_size: 32, bos_token_id: 31, eos_token_id: 31 });
const params = initGpt2Params(config, 1);
const blockTable = (): NamedHostTensors => table(config, params, 3);
const filled = (b: number, value: number): NamedHostTensors =>
  Object.fromEntries(Object.entries(blockParamShapes(config, b)).map(([n, shape]) => [n, { shape, data: new Float32Array(shape.reduce((a, x) => a * x, 1)).fill(value) }]));

function strategy(): CycleBlockStrategy {
  return new CycleBlockStrategy({ config, blocks: 3, schedule: 'rotate', downloadFraction: 1, downloadPick: 'random', seed: 0, initial: params });
}

describe('CycleBlockStrategy', () => {
  it('round 1: each of 3 volunteers trains its own block, downloads nothing; after aggregation every block is at version 1', () => {
    const s = strategy();
    const global = blockTable();
    const round = { round: 1, participants: ['a', 'b', 'c'], global };
    const fit = s.configureFit(round);
    expect(['a', 'b', 'c'].map((id) => fit.blockTaskFor!(id).block)).toEqual([0, 1, 2]);
    expect(fit.blockTaskFor!('a').downloads).toEqual([]);
    expect(fit.updateLayoutFor!('b')).toEqual({ 'transformer.h.1': [packedBlockSize(config, 1)] });
    const packed = (b: number, value: number) => ({ [`transformer.h.${b}`]: { shape: [packedBlockSize(config, b)], data: packBlocks(config, [{ block: b, tensors: filled(b, value) }]) } });
    const next = s.aggregateFit(round, ['a', 'b', 'c'].map((id, b) => ({ source: id, adapter: packed(b, b + 1), weight: 10 }))).global;
    expect(s.versions()).toEqual([1, 1, 1]);
    expect(next['transformer.h.2.mlp.c_fc.weight']!.data[0]).toBe(3);
  });

  it('several uploads of one block are averaged by tokens; a lone upload replaces the block', () => {
    const s = new CycleBlockStrategy({ config, blocks: 3, schedule: 'ascending', downloadFraction: 1, downloadPick: 'random', seed: 0, initial: params });
    const round = { round: 1, participants: ['a', 'b'], global: blockTable() };
    s.configureFit(round);
    const next = s.aggregateFit(round, [{ source: 'a', adapter: filled(0, 1), weight: 1 }, { source: 'b', adapter: filled(0, 4), weight: 3 }]).global;
    expect(next['transformer.h.0.attn.c_attn.weight']!.data[5]).toBeCloseTo(3.25, 6);
    expect(s.versions()).toEqual([1, 0, 0]);
    expect(next['transformer.h.1.attn.c_attn.weight']).toBe(params['transformer.h.1.attn.c_attn.weight']);
  });

  it('round 2: a volunteer receives the blocks it lacks as deltas against the version it holds; its trained block is current', () => {
    const s = strategy();
    let global = blockTable();
    const r1 = { round: 1, participants: ['a', 'b', 'c'], global };
    const fit1 = s.configureFit(r1);
    for (const id of ['a', 'b', 'c']) fit1.blockTaskFor!(id);
    global = s.aggregateFit(r1, ['a', 'b', 'c'].map((id, b) => ({ source: id, adapter: filled(b, b + 1), weight: 10 }))).global;
    s.holdings('a', [0, 0, 0]); // a restored its trained block: it holds the base weights
    const fit2 = s.configureFit({ round: 2, participants: ['a', 'b', 'c'], global });
    const task = fit2.blockTaskFor!('a');
    expect(task.block).toBe(1);
    expect(task.versions).toEqual([1, 1, 1]);
    expect(task.downloads.map((d) => [d.block, d.version, d.base])).toEqual([[0, 1, 0], [1, 1, 0], [2, 1, 0]]);
    const name = 'transformer.h.1.ln_1.weight';
    const delta = task.downloads[1]!.tensors[name]!.data;
    expect(Array.from(delta).map((d, i) => d + params[name]!.data[i]!)).toEqual(Array.from(global[name]!.data).map((x) => expect.closeTo(x, 6)));
    expect(fit2.blockTaskFor!('a')).toBe(task); // a reconnect gets the same task
  });

  it('refuses held versions it never handed out and an update that mixes blocks', () => {
    const s = strategy();
    expect(() => s.holdings('a', [0, 1, 0])).toThrow(/block versions/);
    const round = { round: 1, participants: ['a'], global: blockTable() };
    s.configureFit(round);
    expect(() => s.aggregateFit(round, [{ source: 'a', adapter: { ...filled(0, 1), ...filled(1, 1) }, weight: 1 }])).toThrow(/exactly one block/);
  });

  it('is chosen for the cybgd methods; splitlora keeps FedAvg', () => {
    const model = { config, params };
    expect(strategyFor(runConfigSchema.parse({ method: 'cybgd' }), { model }).name).toBe('cybgd');
    expect(strategyFor(runConfigSchema.parse({ method: 'cybgd-split' }), { model }).name).toBe('cybgd');
    expect(strategyFor(runConfigSchema.parse({}), { model }).name).toBe('fedavg');
  });

  it('measures an upload against its block as sent: the latest version, packed like the upload', () => {
    const s = strategy();
    const round1 = { round: 1, participants: ['a', 'b', 'c'], global: blockTable() };
    const fit1 = s.configureFit(round1);
    const start = fit1.updateStartFor!('b');
    expect(Object.keys(start)).toEqual(['transformer.h.1']);
    expect(start['transformer.h.1']!.data).toEqual(packBlocks(config, [{ block: 1, tensors: table(config, params, 3) }]));
    const packed = (b: number, value: number) => ({ [`transformer.h.${b}`]: { shape: [packedBlockSize(config, b)], data: packBlocks(config, [{ block: b, tensors: filled(b, value) }]) } });
    s.aggregateFit(round1, ['a', 'b', 'c'].map((id, b) => ({ source: id, adapter: packed(b, 0.5), weight: 10 })));
    // Round 2 rotates: b trains block 2, now at version 1 (all 0.5).
    const fit2 = s.configureFit({ round: 2, participants: ['a', 'b', 'c'], global: blockTable() });
    expect(fit2.blockTaskFor!('b').block).toBe(2);
    expect([...fit2.updateStartFor!('b')['transformer.h.2']!.data].every((v) => v === 0.5)).toBe(true);
  });

  it('resumes from restored blocks and versions: a volunteer holding the base gets the trained blocks as deltas', () => {
    const trained = table(config, params, 3);
    for (const name of Object.keys(trained)) if (name.startsWith('transformer.h.1.')) trained[name] = { shape: trained[name]!.shape, data: trained[name]!.data.map((x) => x + 1) };
    const s = new CycleBlockStrategy({ config, blocks: 3, schedule: 'rotate', downloadFraction: 1, downloadPick: 'random', seed: 0, initial: params, restored: { versions: [0, 2, 0], blocks: trained } });
    expect(s.versions()).toEqual([0, 2, 0]);
    const task = s.configureFit({ round: 3, participants: ['a'], global: trained }).blockTaskFor!('a');
    const block1 = task.downloads.find((d) => d.block === 1)!;
    expect(block1).toMatchObject({ version: 2, base: 0 });
    expect([...block1.tensors['transformer.h.1.attn.c_attn.weight']!.data].every((d) => Math.abs(d - 1) < 1e-6)).toBe(true);
    expect(() => new CycleBlockStrategy({ config, blocks: 3, schedule: 'rotate', downloadFraction: 1, downloadPick: 'random', seed: 0, initial: params, restored: { versions: [1], blocks: trained } }))
      .toThrow(/needs 3 block versions, found 1/);
  });
});
