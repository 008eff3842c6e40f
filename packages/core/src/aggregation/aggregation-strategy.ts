// The aggregation seam, after Flower's Strategy: one strategy is chosen per run (strategy-for.ts); at a round's start
// the round loop asks it where each chosen participant starts (configureFit, Flower's configure_fit), and at the
// round's end how to combine what the participants sent back (aggregateFit, aggregate_fit). The server's round
// closer and the convergence benchmark aggregate volunteers' adapters through it; a new method (DP-FedAvg, secure
// aggregation, FedCyBGD…) is a new file beside fedavg-strategy.ts plus its line in strategy-for.ts.
import type { RoundPrivacy } from '@splitlora/protocol';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
import type { WeightedAdapter } from '../train/fedavg.js';

/** One participant's trained tensors and its weight (the tokens it trained on, counted by the server). */
export type WeightedUpdate = WeightedAdapter<NamedHostTensors>;

/** A round as the strategy sees it: its number, the participants the round machine chose, the global tensors. */
export interface FitRound {
  round: number;
  participants: readonly string[];
  /** The global tensors before the round. */
  global: NamedHostTensors;
}

/** One block a participant lacks: its tensors at `version`, whole (`base` null) or as the delta against version `base`. */
export interface BlockDownloadPlan {
  block: number;
  version: number;
  base: number | null;
  tensors: NamedHostTensors;
}

/** Block-training methods (FedCyBGD): the block a participant trains and what it downloads first. */
export interface BlockTaskPlan {
  block: number;
  downloads: BlockDownloadPlan[];
  /** The version of every block the participant holds once the downloads are applied. */
  versions: number[];
}

/** What the strategy decided at a round's start. */
export interface FitConfiguration {
  /** The tensors a participant starts (or, after a reconnect, restarts) the round from. */
  startFor(clientId: string): NamedHostTensors;
  /** Block-training methods: the participant's block and downloads (the same answer again after a reconnect). */
  blockTaskFor?(clientId: string): BlockTaskPlan;
  /** The names and shapes a participant's update must have; default: those of the global tensors. */
  updateLayoutFor?(clientId: string): Record<string, number[]>;
  /**
   * What a participant's upload is measured against for the update-norm bound, in the update's layout, when that is
   * not startFor: a block method's trained block at the version the participant was sent.
   */
  updateStartFor?(clientId: string): NamedHostTensors;
}

/** What aggregating a round gives: the next global tensors. */
export interface FitResult {
  global: NamedHostTensors;
  /** What the round spent or used of the privacy mechanisms (DP-FedAvg's ε, secure aggregation's survivors). */
  privacy?: RoundPrivacy;
}

/** What secure aggregation gives a round instead of the updates: the decoded sum of the survivors' update vectors. */
export interface MaskedSum {
  /** Σ (adapter − global) over the survivors, in flatLayoutOf(global) order (clipped by each volunteer under DP). */
  sum: Float64Array;
  survivors: readonly string[];
  /** Volunteers that shared keys but sent no masked update (their masks were removed). */
  dropped: readonly string[];
  /** Largest error of one element of `sum` from the fixed-point encoding. */
  errorBound: number;
}

export interface AggregationStrategy {
  /** Short name for logs and reports ("fedavg"). */
  readonly name: string;
  /** Round start: where each participant starts; may refuse the round (e.g. a spent privacy budget) by throwing. */
  configureFit(round: FitRound): FitConfiguration;
  /** Round end: the next global tensors from the reporters' updates (a subset of the participants). */
  aggregateFit(round: FitRound, updates: readonly WeightedUpdate[]): FitResult;
  /** Round end under secure aggregation: the next global tensors from the sum of the survivors' updates only. */
  aggregateSum(round: FitRound, masked: MaskedSum): FitResult;
  /** Block-training methods: what a participant reports it holds (block versions) with its update. */
  holdings?(clientId: string, versions: readonly number[]): void;
  /** Block-training methods: the latest version of every block (the run's snapshot shows them). */
  versions?(): number[];
  /** Sequential methods (SL): a participant's accepted update, which the next participant in turn starts from. */
  handOn?(clientId: string, update: NamedHostTensors): void;
}
