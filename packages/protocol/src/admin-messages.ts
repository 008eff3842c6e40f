// zod schemas (and their types) of the admin namespace ("/admin"): run control, adapter downloads, generation,
// and the records the dashboard shows (clients, metrics, run snapshots, logs).
import { z } from 'zod';
import type { RunLeakage } from './leakage-figures.js';
import type { TurnState } from './turn-messages.js';
import type { runConfigSchema } from './run-config.js';
import type { ActivationNoiseFigures, RoundPrivacy } from './privacy-config.js';
import { idSchema, type RunInfo } from './shared-records.js';

export const adapterDownloadSchema = z.strictObject({
  runId: idSchema,
  round: z.number().int().min(0),
  which: z.enum(['client', 'server', 'combined']),
});
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
/** A generate request with its defaults filled in, as the server handles it. */
export type GenerateSettings = z.output<typeof generateRequestSchema>;
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
  /** Every volunteer that trained at least one step of the round: the reporters and those that dropped out. */
  trainers?: string[];
  seconds: number;
  tokensPerSecond: number;
  endedAt: number;
  /** DP ε and secure-aggregation figures of the round, when the run has either on. */
  privacy?: RoundPrivacy;
}

export interface StepRecord {
  kind: 'step';
  runId: string;
  round: number;
  step: number;
  clientId: string;
  /** Null in the u-shaped layout: the loss is computed, and stays, in the tab (tokens are then positions B × T). */
  loss: number | null;
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
  /** The measured token recovery at this run's cut (docs/leakage/<model>.json); null when not measured. */
  leakage?: RunLeakage | null;
  /** Block-training methods (cybgd, cybgd-split): the server's latest version of every block it cycles over. */
  blockVersions?: number[];
  /** Sequential split learning: whose turn of the round is running; absent for the other methods and between rounds. */
  turn?: TurnState | null;
  /** With activation noise: the run's per-example figures (ε for one release and for its planned releases); else null or absent. */
  activationNoise?: ActivationNoiseFigures | null;
  /** The run's invite token (config.inviteOnly), for the admin's invite link; never on the public /api/run. */
  invite?: string | null;
}

export interface LogEntry { time: number; level: 'info' | 'warn' | 'error'; message: string }

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

/** A run folder of the server's runs directory, for the dashboard's run history. */
export interface RunListEntry {
  runId: string;
  name: string;
  model: string;
  rounds: number;
  completedRounds: number;
  createdAt: number;
  updatedAt: number;
  /** The run the server holds now (its live view is the dashboard's main one). */
  current: boolean;
}
