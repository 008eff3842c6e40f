// zod schemas (and their types) of the volunteer namespace ("/"): what a volunteer sends, and the records the
// server answers or pushes to it.
import { z } from 'zod';
import type { LoraConfig } from './lora-config.js';
import type { ActivationNoiseSettings } from './privacy-config.js';
import type { SCHEDULES, WIRE_DTYPES } from './run-config.js';
import { finiteSchema, idSchema, type RunInfo } from './shared-records.js';
import { type FrameBundle, frameBundleSchema } from './frame-bundle.js';
import type { SecAggRoundConfig } from './secagg-messages.js';
import { type TensorFrame, tensorFrameSchema } from './tensor-frame.js';
import type { CycleConfig, TrainingMethod } from './training-method.js';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow', 'node'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Every training message carries its run, round and step; stale or replayed ones are refused. */
export const stampSchema = z.strictObject({ runId: idSchema, round: z.number().int().min(0), step: z.number().int().min(0) });
export type Stamp = z.infer<typeof stampSchema>;

// ---- volunteer → server ----

export const joinRequestSchema = z.strictObject({
  protocolVersion: z.number().int(),
  name: z.string().trim().max(40).optional(),
  backend: z.enum(BACKENDS),
  /** Given back by a previous join; lets a reconnecting client continue its round. */
  resumeToken: z.string().max(200).optional(),
});

export interface JoinResponse {
  clientId: string;
  resumeToken: string;
  /** True when the resume token was recognised and this client continues where it was. */
  resumed: boolean;
  server: { protocolVersion: number; backend: string };
  run: RunInfo | null;
}

export interface AssetInfo {
  hash: string;
  bytes: number;
  chunkBytes: number;
  chunkCount: number;
}

/**
 * Which parts of the model a client holds. 'standard': embeddings + blocks [0, cut); the server holds the rest and
 * receives the next-token labels. 'u-shaped': the client also keeps blocks [tailCut, L), ln_f and the head, so
 * labels never leave it (two exchanges per step: activations at `cut` up, activations at `tailCut` down, their
 * gradient up, the gradient at `cut` down; u-shaped-messages.ts). Runs use tailCut = L. 'whole': the client holds the
 * whole model (method fedlora: LoRA on every block, trained in the tab); the server holds no block.
 */
export type SplitLayout = { mode: 'standard'; cut: number } | { mode: 'u-shaped'; cut: number; tailCut: number } | { mode: 'whole' };

/** What a client needs to train its split: model config, split layout (the cut), LoRA, training settings, assets. */
export interface ClientManifest {
  runId: string;
  /** What the volunteer trains: LoRA on its split (`splitlora`), or one block with full parameters (`cybgd*`). */
  method: TrainingMethod;
  /** FedCyBGD's settings (upload precision); present for the cybgd methods. */
  cycle: CycleConfig | null;
  model: { name: string; config: Record<string, number | string | null> };
  split: SplitLayout;
  lora: LoraConfig;
  training: {
    batchSize: number;
    maxSeqLen: number;
    padMultiple: number;
    localSteps: number;
    wireDtype: (typeof WIRE_DTYPES)[number];
    lr: number;
    schedule: (typeof SCHEDULES)[number];
    warmupSteps: number;
    totalSteps: number;
    weightDecay: number;
    maxGradNorm: number;
    seed: number;
    /** The run's label smoothing, for methods whose loss is computed in the tab (fedlora); absent: 0. */
    labelSmoothing?: number;
    /** Clip and noise each example's cut activations before sending them (privacy-config.ts); absent or null: off. */
    activationNoise?: ActivationNoiseSettings | null;
  };
  /** `weights`: safetensors of the base weights the volunteer holds (its split; the whole model in `cybgd`); `tokenizer`: JSON {vocab, merges}. */
  assets: { weights: AssetInfo; tokenizer: AssetInfo };
  /** The server's largest accepted message: larger messages are not sent (the connection would drop). */
  maxMessageBytes: number;
  /** U-shaped without a server-side eval set: each tab holds out a share of its examples and reports their loss. */
  heldOutEval?: boolean;
}

export const chunkRequestSchema = z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/), index: z.number().int().min(0) });
export interface ChunkResponse { hash: string; index: number; data: ArrayBuffer | Uint8Array }

export interface ReadyResponse { queued: boolean }

export const activationsRequestSchema = z.strictObject({
  stamp: stampSchema,
  /** The cut-layer activation (B, T, E), float16 or float32 as the run says. */
  activations: tensorFrameSchema,
  /** Next-token targets (B*T), uint16 or int32. */
  targets: tensorFrameSchema,
  /** 1 where a target counts (B*T), uint8. */
  lossMask: tensorFrameSchema,
});
export type ActivationsRequest = z.infer<typeof activationsRequestSchema>;
export interface ActivationsResponse { stamp: Stamp; loss: number; tokens: number; gradient: TensorFrame }

/** A tab's evaluation on the held-out share of its own data (u-shaped: the server cannot compute a loss). */
export const heldOutReportSchema = z.strictObject({
  meanLoss: finiteSchema.refine((v) => v >= 0, 'must not be negative'),
  tokens: z.number().int().min(1),
});
export type HeldOutReport = z.infer<typeof heldOutReportSchema>;

export const updateRequestSchema = z.strictObject({
  /** step = the number of local steps done this round. */
  stamp: stampSchema,
  /** The adapter's tensors in one buffer (one binary attachment, whatever the adapter's size). */
  adapter: frameBundleSchema,
  tokens: z.number().int().min(1),
  /** The round's mean training loss; a u-shaped tab leaves it out (its losses stay in the tab). */
  meanLoss: finiteSchema.optional(),
  seconds: z.number().min(0),
  /** U-shaped: the tab's loss on the held-out share of its own data, after this round's local steps. */
  heldOut: heldOutReportSchema.optional(),
  /** Block-training methods: the version of every block the tab holds after the round (it reports what it has). */
  blockVersions: z.array(z.number().int().min(0)).max(10_000).optional(),
});
export type UpdateRequest = z.infer<typeof updateRequestSchema>;
export interface UpdateResponse { round: number; accepted: true }

export const localStepRequestSchema = z.strictObject({
  /** A step trained inside the tab without the server (method `cybgd`): its loss and counted tokens. */
  stamp: stampSchema,
  loss: finiteSchema,
  tokens: z.number().int().min(1).max(1e9),
});
export type LocalStepRequest = z.infer<typeof localStepRequestSchema>;
export interface LocalStepResponse { stamp: Stamp; accepted: true }

export const statusRequestSchema = z.strictObject({
  state: z.enum(['idle', 'downloading', 'training', 'paused']),
  tokensPerSecond: z.number().min(0).max(1e9),
});

// ---- server → volunteer ----

export interface RoundStart {
  runId: string;
  round: number;
  rounds: number;
  localSteps: number;
  /** Steps of this round the client already did (non-zero when it reconnects mid-round). */
  firstStep: number;
  /** Optimizer steps done before this round, for the learning-rate schedule. */
  globalStepBase: number;
  /** The adapter this client starts the round from (the aggregation strategy's choice; FedAvg: the global one). */
  adapter: FrameBundle;
  /** Seeds this client's data order and dropout masks for the round. */
  seed: number;
  /** This round's secure-aggregation settings; absent when the run does not use it. */
  secureAggregation?: SecAggRoundConfig;
  /** Block-training methods: the block to train this round and the block tensors the tab lacks. */
  blockTask?: BlockTask;
}

/** One block the tab lacks: its tensors at `version`, sent whole (`base` null) or as a delta against version `base`. */
export interface BlockDownload {
  block: number;
  version: number;
  base: number | null;
}

/**
 * FedCyBGD's instruction for one round: train `block`; first apply `downloads` (the trained block is among them
 * unless the tab holds its latest version). A block travels packed: its tensors concatenated in the model's order;
 * `deltas` holds the delta downloads (fp16) one after the other, `wholes` the whole ones (fp32), each in download order.
 */
export interface BlockTask {
  block: number;
  downloads: BlockDownload[];
  deltas: TensorFrame | null;
  wholes: TensorFrame | null;
  /** The version of every block the tab holds once the downloads are applied. */
  versions: number[];
}

export interface RoundEnd {
  runId: string;
  round: number;
  trainLoss: number | null;
  evalLoss: number | null;
  participants: number;
  /** False when the run is over. */
  more: boolean;
}

export interface SwarmInfo { volunteersOnline: number; participants: number }
