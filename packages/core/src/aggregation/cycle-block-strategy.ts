// FedCyBGD's strategy (arXiv 2406.11187): each participant trains one block of the cycle with full parameters (the
// block schedule picks it), receives the blocks it lacks (all or a fraction, as deltas against what it holds; its
// trained block always at the latest version), and uploads that block only. Each block has a version; a round's
// uploads are aggregated per block — the token-weighted mean when several trained it, the upload itself when one did.
import type { BlockSchedule } from '@splitlora/protocol';
import type { Gpt2Config } from '../config/gpt2-config.js';
import { blockOf, pickBlock } from '../cycle-block/block-names.js';
import { packBlocks, packedBlockName, packedBlockSize, unpackBlocks } from '../cycle-block/block-packing.js';
import { scheduleBlocks } from '../cycle-block/block-schedule.js';
import { blockDelta, BlockVersions } from '../cycle-block/block-versions.js';
import { planDownloads } from '../cycle-block/download-plan.js';
import { createRng, mixSeed } from '../data/rng.js';
import { fail } from '../errors.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import { fedAvgHost } from '../train/fedavg.js';
import type {
  AggregationStrategy, BlockDownloadPlan, BlockTaskPlan, FitConfiguration, FitResult, FitRound, WeightedUpdate,
} from './aggregation-strategy.js';

export interface CycleBlockOptions {
  config: Gpt2Config;
  /** The cycle runs over blocks [0, blocks): n_layer for the whole model, the cut for the split variant. */
  blocks: number;
  schedule: BlockSchedule;
  downloadFraction: number;
  downloadPick: 'random' | 'stalest';
  seed: number;
  /** The base weights of the cycle's blocks (version 0, what every volunteer downloads first). */
  initial: NamedHostTensors;
  /** A resumed run: the blocks as its last completed round left them, and their versions. */
  restored?: { versions: readonly number[]; blocks: NamedHostTensors };
}

export class CycleBlockStrategy implements AggregationStrategy {
  readonly name = 'cybgd';
  private readonly store: BlockVersions;
  /** What each volunteer holds, as the server last handed it out or the volunteer reported it. */
  private readonly held = new Map<string, number[]>();

  constructor(private readonly options: CycleBlockOptions) {
    this.store = new BlockVersions(Array.from({ length: options.blocks }, (_, b) => pickBlock(options.config, options.initial, b)));
    const { restored } = options;
    if (restored !== undefined) {
      if (restored.versions.length !== options.blocks) fail('config', `a resumed cycle needs ${options.blocks} block versions, found ${restored.versions.length}`);
      restored.versions.forEach((v, b) => { if (v > 0) this.store.restore(b, v, pickBlock(options.config, restored.blocks, b)); });
    }
  }

  /** The latest version of every block. */
  versions(): number[] {
    return this.store.latest();
  }

  configureFit(round: FitRound): FitConfiguration {
    const { blocks, schedule, seed, config } = this.options;
    const assignment = scheduleBlocks(schedule, { round: round.round, participants: round.participants, blocks, seed });
    const tasks = new Map<string, BlockTaskPlan>();
    const blockOfClient = (clientId: string): number => {
      const b = assignment.get(clientId);
      if (b === undefined) fail('config', `${clientId} is not a participant of round ${round.round}`);
      return b;
    };
    return {
      startFor: () => ({}),
      blockTaskFor: (clientId) => {
        let task = tasks.get(clientId);
        if (task === undefined) {
          task = this.task(clientId, blockOfClient(clientId), mixSeed(seed, round.round, round.participants.indexOf(clientId), 0x5eed));
          tasks.set(clientId, task);
        }
        return task;
      },
      // An update is the trained block, packed into one tensor (block-packing.ts).
      updateLayoutFor: (clientId) => {
        const b = blockOfClient(clientId);
        return { [packedBlockName(b)]: [packedBlockSize(config, b)] };
      },
      // The trained block is always sent at its latest version, which no commit changes before the round ends.
      updateStartFor: (clientId) => {
        const b = blockOfClient(clientId);
        return { [packedBlockName(b)]: { shape: [packedBlockSize(config, b)], data: packBlocks(config, [{ block: b, tensors: this.store.at(b)! }]) } };
      },
    };
  }

  /** Secure aggregation sums LoRA updates; a block method's uploads are whole blocks (the run config refuses the pair). */
  aggregateSum(): FitResult {
    return fail('config', 'secure aggregation is not available with block-training methods (cybgd, cybgd-split)');
  }

  aggregateFit(round: FitRound, updates: readonly WeightedUpdate[]): FitResult {
    const byBlock = new Map<number, WeightedUpdate[]>();
    for (const packed of updates) {
      const update = { ...packed, adapter: this.unpacked(packed.adapter) };
      const blocks = new Set(Object.keys(update.adapter).map(blockOf));
      const b = [...blocks][0];
      if (blocks.size !== 1 || b === null || b === undefined || b >= this.options.blocks) {
        fail('adapter', `the update of ${update.source} must hold exactly one block of 0..${this.options.blocks - 1}`);
      }
      byBlock.set(b, [...(byBlock.get(b) ?? []), update]);
    }
    const global: NamedHostTensors = { ...round.global };
    for (const [b, group] of [...byBlock.entries()].sort((x, y) => x[0] - y[0])) {
      const next = group.length === 1 ? group[0]!.adapter : fedAvgHost(group);
      this.store.commit(b, next);
      Object.assign(global, next);
    }
    this.store.prune(this.held.values());
    return { global };
  }

  holdings(clientId: string, versions: readonly number[]): void {
    if (!this.store.isValid(versions)) fail('adapter', `block versions [${versions.join(', ')}] do not match the ${this.store.blocks} blocks at versions up to [${this.store.latest().join(', ')}]`);
    this.held.set(clientId, [...versions]);
  }

  /** A packed block (one tensor named transformer.h.{b}) as its named tensors; named tensors as they are. */
  private unpacked(tensors: NamedHostTensors): NamedHostTensors {
    const names = Object.keys(tensors);
    const match = names.length === 1 ? /^transformer\.h\.(\d+)$/.exec(names[0]!) : null;
    if (match === null) return tensors;
    const b = Number(match[1]);
    if (b >= this.options.blocks) fail('adapter', `block ${b} is outside the cycle 0..${this.options.blocks - 1}`);
    return unpackBlocks(this.options.config, [b], tensors[names[0]!]!.data)[0]!;
  }

  private task(clientId: string, block: number, seed: number): BlockTaskPlan {
    const held = this.held.get(clientId) ?? new Array<number>(this.options.blocks).fill(0);
    const latest = this.store.latest();
    const send = planDownloads(held, latest, block, { fraction: this.options.downloadFraction, pick: this.options.downloadPick, rng: createRng(seed) });
    const downloads: BlockDownloadPlan[] = send.map((b) => {
      const target = this.store.at(b)!;
      const base = this.store.at(b, held[b]!);
      return base === null
        ? { block: b, version: latest[b]!, base: null, tensors: target }
        : { block: b, version: latest[b]!, base: held[b]!, tensors: blockDelta(target, base) };
    });
    const versions = held.map((v, b) => (send.includes(b) ? latest[b]! : v));
    this.held.set(clientId, versions);
    return { block, downloads, versions };
  }
}
