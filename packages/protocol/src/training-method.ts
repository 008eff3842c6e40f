// The training method of a run, and FedCyBGD's settings. `splitlora`: the client trains LoRA on its split, the server
// the rest (SFL-V1/V2). `cybgd`: FedCyBGD (arXiv 2406.11187) — each volunteer holds the whole model and trains one
// block with full parameters per round; `cybgd-split`: the same cycle over the client split's blocks [0, cut), the
// server keeping its LoRA. `sl`: sequential split learning — the volunteers take turns, each training against the
// one server adapter from the client adapter the previous one uploaded. `fedlora`: federated LoRA — each volunteer
// holds the whole model with LoRA on every block, trains locally and uploads its adapter; the server only aggregates
// (FedAvg). Each method is one server strategy (packages/core/src/aggregation/strategy-for.ts).
import { z } from 'zod';
import type { LayoutName } from './run-config.js';

export const TRAINING_METHODS = ['splitlora', 'cybgd', 'cybgd-split', 'sl', 'fedlora'] as const;
export type TrainingMethod = (typeof TRAINING_METHODS)[number];

/** Methods whose volunteers train one block of the base model with full parameters instead of LoRA. */
export function trainsBlocks(method: TrainingMethod): boolean {
  return method === 'cybgd' || method === 'cybgd-split';
}

/** Methods whose volunteers train without the server in the loop (the whole model in the tab). */
export function trainsLocally(method: TrainingMethod): boolean {
  return method === 'cybgd' || method === 'fedlora';
}

/** Methods whose volunteers upload a LoRA adapter the server averages (FedAvg): DP-FedAvg and secure aggregation apply. */
export function averagesAdapters(method: TrainingMethod): boolean {
  return method === 'splitlora' || method === 'fedlora';
}

/** `rotate`: volunteer v of round r trains block (v + r) mod K; `ascending`: everyone trains block r mod K; `random`: seeded draws. */
export const BLOCK_SCHEDULES = ['rotate', 'ascending', 'random'] as const;
export type BlockSchedule = (typeof BLOCK_SCHEDULES)[number];

/** Which lacking blocks a volunteer downloads when it takes only a fraction of them: drawn at random (the paper), or the stalest first. */
export const DOWNLOAD_PICKS = ['random', 'stalest'] as const;

export const cycleConfigSchema = z.strictObject({
  schedule: z.enum(BLOCK_SCHEDULES).default('rotate'),
  /** Precision of the uploaded block. */
  uploadDtype: z.enum(['float16', 'float32']).default('float16'),
  /** The share of the blocks a volunteer lacks that it downloads each round (the block it trains is always sent). */
  downloadFraction: z.number().gt(0).max(1).default(1),
  downloadPick: z.enum(DOWNLOAD_PICKS).default('random'),
});
export type CycleConfig = z.output<typeof cycleConfigSchema>;

export const DEFAULT_CYCLE: CycleConfig = { schedule: 'rotate', uploadDtype: 'float16', downloadFraction: 1, downloadPick: 'random' };

/** What leaves a volunteer's tab in each method and layout, for the consent screen (per step and per round). */
export function methodUploadSummary(method: TrainingMethod, layout: LayoutName = 'standard'): string {
  switch (method) {
    case 'splitlora':
      return layout === 'u-shaped'
        ? 'each step: the activations at the cut and the gradient of the server’s output (no labels, no loss); each round: your LoRA adapter (a few thousand numbers per block)'
        : 'each step: the activations at the cut and the next-token labels; each round: your LoRA adapter (a few thousand numbers per block)';
    case 'cybgd':
      return 'each round: one whole transformer block of the model with all its weights after your training (far more than a LoRA adapter), and your step losses; no activations';
    case 'cybgd-split':
      return 'each step: the activations at the cut and the next-token labels; each round: one whole transformer block of your split with all its weights (far more than a LoRA adapter)';
    case 'sl':
      return 'each step of your turn: the activations at the cut and the next-token labels; at the end of your turn: your LoRA adapter, which the next volunteer in line starts from';
    case 'fedlora':
      return 'each round: your LoRA adapter of every block of the model (fp32), your step losses and token counts; no activations, no token ids';
  }
}

/** Methods whose volunteers train one at a time, each handing its client adapter on to the next (sequential SL). */
export function takesTurns(method: TrainingMethod): boolean {
  return method === 'sl';
}
