// zod schemas (and their types) for every payload of the volunteer and admin namespaces.
import { z } from 'zod';
import { loraConfigSchema, runConfigSchema, SCHEDULES, WIRE_DTYPES } from './run-config.js';
import { tensorFrameSchema } from './tensor-frame.js';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow', 'node'] as const;
export type BackendName = (typeof BACKENDS)[number];

const id = z.string().min(1).max(100);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** Every training message carries its run, round and step; stale or replayed ones are refused. */
export const stampSchema = z.strictObject({ runId: id, round: z.number().int().min(0), step: z.number().int().min(0) });
export type Stamp = z.infer<typeof stampSchema>;

// ---- volunteer → server ----

export const joinRequestSchema = z.strictObject({
  protocolVersion: z.number().int(),
  name: z.string().trim().max(40).optional(),
  backend: z.enum(BACKENDS),
  /** Given back by a previous join; lets a reconnecting client continue its round. */
  resumeToken: z.string().max(200).optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const RUN_STATES = ['created', 'waiting', 'training', 'aggregating', 'paused', 'finished', 'stopped', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunInfo {
  runId: string;
  name: string;
  state: RunState;
  /** The round in progress or next to start (1-based); 0 before the first. */
  round: number;
  rounds: number;
  model: string;
  sfl: 'v1' | 'v2';
}

export interface JoinResponse {
  clientId: string;
  resumeToken: string;
  /** True when the resume token was recognised and this client continues where it was. */
  resumed: boolean;
  server: { protocolVersion: number; backend: string };
  run: RunInfo | null;
}

export const manifestRequestSchema = z.strictObject({ runId: id });

export interface AssetInfo {
  hash: string;
  bytes: number;
  chunkBytes: number;
  chunkCount: number;
}

/**
 * Which parts of the model a client holds. 'standard': embeddings + blocks [0, cut); the server holds the rest and
 * receives the next-token labels. 'u-shaped' is reserved for a later protocol version: the client also keeps blocks
 * [tailCut, L) and the head, so labels never leave it (two exchanges per step: activations at `cut` up, activations
 * at `tailCut` down, their gradient up, the gradient at `cut` down). Servers of this version only use 'standard'.
 */
export type SplitLayout = { mode: 'standard'; cut: number } | { mode: 'u-shaped'; cut: number; tailCut: number };

/** What a client needs to train its split: model config, cut, LoRA, training settings and assets to download. */
export interface ClientManifest {
  runId: string;
  model: { name: string; config: Record<string, number | string | null> };
  cut: number;
  split: SplitLayout;
  lora: z.infer<typeof loraConfigSchema>;
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
  };
  /** `weights`: safetensors of the client split's base weights; `tokenizer`: JSON {vocab, merges}. */
  assets: { weights: AssetInfo; tokenizer: AssetInfo };
  /** The server's largest accepted message: larger messages are not sent (the connection would drop). */
  maxMessageBytes: number;
}

export const chunkRequestSchema = z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/), index: z.number().int().min(0) });
export type ChunkRequest = z.infer<typeof chunkRequestSchema>;
export interface ChunkResponse { hash: string; index: number; data: ArrayBuffer | Uint8Array }

export const readyRequestSchema = z.strictObject({ runId: id });
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
export interface ActivationsResponse { stamp: Stamp; loss: number; tokens: number; gradient: z.infer<typeof tensorFrameSchema> }

export const updateRequestSchema = z.strictObject({
  /** step = the number of local steps done this round. */
  stamp: stampSchema,
  adapter: z.array(tensorFrameSchema).min(1).max(10_000),
  tokens: z.number().int().min(1),
  meanLoss: finite,
  seconds: z.number().min(0),
});
export type UpdateRequest = z.infer<typeof updateRequestSchema>;
export interface UpdateResponse { round: number; accepted: true }

export const statusRequestSchema = z.strictObject({
  state: z.enum(['idle', 'downloading', 'training', 'paused']),
  tokensPerSecond: z.number().min(0).max(1e9),
});
export type StatusRequest = z.infer<typeof statusRequestSchema>;

export const emptySchema = z.strictObject({});

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
  /** The current global client adapter. */
  adapter: z.infer<typeof tensorFrameSchema>[];
  /** Seeds this client's data order and dropout masks for the round. */
  seed: number;
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

export interface ProtocolErrorEvent { code: string; message: string; event: string }

// ---- admin ----

export const runIdRequestSchema = z.strictObject({ runId: id });

export const adapterDownloadSchema = z.strictObject({
  runId: id,
  round: z.number().int().min(0),
  which: z.enum(['client', 'server', 'combined']),
});
export type AdapterDownloadRequest = z.infer<typeof adapterDownloadSchema>;
export interface AdapterDownloadResponse { round: number; which: string; files: { name: string; data: ArrayBuffer | Uint8Array }[] }

export const generateRequestSchema = z.strictObject({
  prompt: z.string().min(1).max(2000),
  maxNewTokens: z.number().int().min(1).max(256).default(40),
  greedy: z.boolean().default(true),
  temperature: z.number().min(0.05).max(5).default(0.8),
  topK: z.number().int().min(1).max(1000).default(40),
  seed: z.number().int().min(0).default(0),
  /** Wrap the prompt the way context→completion training data was formatted ("<prompt> ||"). */
  asContext: z.boolean().default(true),
});
export type GenerateRequest = z.input<typeof generateRequestSchema>;
export interface GenerateResponse { text: string; completion: string; round: number; tokens: number; seconds: number }

export interface ClientInfo {
  id: string;
  name: string;
  backend: string;
  state: 'connected' | 'downloading' | 'ready' | 'training' | 'paused' | 'disconnected';
  tokensPerSecond: number;
  tokens: number;
  steps: number;
  rounds: number;
  bytesUp: number;
  bytesDown: number;
  lastSeen: number;
  participating: boolean;
}

export interface RoundRecord {
  kind: 'round';
  runId: string;
  round: number;
  /** Token-weighted mean of the participants' training losses; null for round 0 (before training). */
  trainLoss: number | null;
  evalLoss: number | null;
  evalPerplexity: number | null;
  tokens: number;
  bytesUp: number;
  bytesDown: number;
  clients: number;
  participants: string[];
  seconds: number;
  tokensPerSecond: number;
  endedAt: number;
}

export interface StepRecord {
  kind: 'step';
  runId: string;
  round: number;
  step: number;
  clientId: string;
  loss: number;
  tokens: number;
  time: number;
}

export type MetricRecord = RoundRecord | StepRecord;

export interface ModelSummary {
  name: string;
  layers: number;
  embd: number;
  totalParams: number;
  clientParams: number;
  clientTrainable: number;
  serverTrainable: number;
}

export interface RunSnapshot extends RunInfo {
  config: z.output<typeof runConfigSchema>;
  participants: string[];
  roundStartedAt: number | null;
  completedRounds: number;
  modelSummary: ModelSummary | null;
  error: string | null;
}

/** What the server's tfjs backend computes on: "nvidia nvidia-h200 (hardware adapter)", "CPU (WebAssembly)". */
export interface ServerDevice {
  kind: 'gpu' | 'cpu';
  name: string;
  /** A software adapter standing in for a GPU (SwiftShader). */
  fallback: boolean;
}

export interface AdminSnapshot {
  /** `time` is the server's clock (ms since epoch), to compare with ClientInfo.lastSeen. */
  server: { protocolVersion: number; backend: string; device: ServerDevice; models: string[]; dataFiles: string[]; time: number };
  run: RunSnapshot | null;
  clients: ClientInfo[];
  metrics: MetricRecord[];
  /** The latest server log entries (warnings, errors and run events), oldest first. */
  logs: LogEntry[];
}

export interface LogEntry { time: number; level: 'info' | 'warn' | 'error'; message: string }
