// The run configuration an admin submits: model, cut, LoRA (PEFT names), optimisation, rounds and SFL variant.
import { z } from 'zod';
import { loraConfigSchema, PAPER_LORA } from './lora-config.js';
import { DEFAULT_MODEL, EMBEDDED_MODEL_NAMES, modelDepth } from './embedded-models.js';
import { MODEL_PRESET_NAMES } from './model-presets.js';
import { activationNoiseConfigSchema, dpConfigSchema } from './privacy-config.js';
import { activationNoiseIssue } from './activation-noise-rules.js';
import { addSequentialIssues } from './sequential-config.js';
import { averagesAdapters, cycleConfigSchema, DEFAULT_CYCLE, TRAINING_METHODS } from './training-method.js';

export const SFL_VARIANTS = ['v1', 'v2'] as const;
export const WIRE_DTYPES = ['float16', 'float32'] as const;
export const SCHEDULES = ['constant', 'linear', 'cosine'] as const;
/** 'standard': the server holds blocks [cut, L) and the head, and receives the labels; 'u-shaped': the tab keeps the head. */
export const LAYOUTS = ['standard', 'u-shaped'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export const runConfigSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).default('SplitLoRA run'),
  /** The training method (training-method.ts); `splitlora` is SFL-V1/V2 with LoRA. */
  method: z.enum(TRAINING_METHODS).default('splitlora'),
  /** FedCyBGD's block schedule, upload precision and download compression (methods cybgd and cybgd-split). */
  cycle: cycleConfigSchema.default(DEFAULT_CYCLE),
  /** An embedded pretrained model, a preset name (random weights), or `hf:<folder>` in the server's models folder. */
  model: z.string().min(1).max(200).default(DEFAULT_MODEL),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** The client keeps embeddings + blocks [0, cut); the server blocks [cut, L). */
  cut: z.number().int().min(1).max(100).default(3),
  /** U-shaped: the tab also keeps ln_f and the tied head, so targets, mask and loss never leave it. */
  layout: z.enum(LAYOUTS).default('standard'),
  lora: loraConfigSchema.default(PAPER_LORA),
  lr: z.number().positive().max(1).default(2e-4),
  schedule: z.enum(SCHEDULES).default('linear'),
  warmupSteps: z.number().int().min(0).default(0),
  weightDecay: z.number().min(0).max(1).default(0.01),
  /** Gradient clipping by global norm, applied by each party to its own adapter; 0 turns it off. */
  maxGradNorm: z.number().min(0).default(1),
  /**
   * A volunteer's update (its adapter minus the one it started the round from) is clipped to this L2 norm before
   * aggregation; null: AdamW's own bound for the run's lr and local steps (no honest update reaches it).
   */
  maxUpdateNorm: z.number().positive().max(1e6).nullable().default(null),
  /** Updates above this norm are refused (OUT_OF_RANGE) instead of clipped; null: 10 × the clip norm. */
  updateNormLimit: z.number().positive().max(1e9).nullable().default(null),
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  batchSize: z.number().int().min(1).max(256).default(8),
  maxSeqLen: z.number().int().min(8).max(2048).default(128),
  padMultiple: z.number().int().min(1).max(256).default(8),
  localSteps: z.number().int().min(1).max(10_000).default(10),
  rounds: z.number().int().min(1).max(100_000).default(5),
  minClients: z.number().int().min(1).max(10_000).default(1),
  maxClients: z.number().int().min(1).max(10_000).default(16),
  /** Volunteers join only through this run's invite link (?invite=…); the server makes a token per run and keeps it in the run folder. */
  inviteOnly: z.boolean().default(false),
  roundTimeoutSec: z.number().positive().max(86_400).default(600),
  /** How long a disconnected participant may take to come back before its round goes on without it. */
  reconnectGraceSec: z.number().min(0).max(3600).default(15),
  sfl: z.enum(SFL_VARIANTS).default('v2'),
  wireDtype: z.enum(WIRE_DTYPES).default('float16'),
  /** SFL-V2: activations arriving within this window are fused into one server batch. */
  fusionWindowMs: z.number().int().min(0).max(10_000).default(25),
  /** Evaluation file on the server (E2E CSV, JSONL or text, in the data folder); null uses no evaluation. */
  evalData: z.string().min(1).nullable().default(null),
  evalSamples: z.number().int().min(1).max(100_000).default(64),
  /** Client-level differential privacy of the volunteers' adapters (DP-FedAvg with an RDP accountant); null: off. */
  dp: dpConfigSchema.nullable().default(null),
  /** Pairwise-masked secure aggregation (Bonawitz et al.): the server learns only the sum of the volunteers' updates. */
  secureAggregation: z.boolean().default(false),
  /** Per-example clipping and Gaussian noise on the cut activations, applied in the tab before they are sent; null: off. */
  activationNoise: activationNoiseConfigSchema.nullable().default(null),
}).superRefine((c, ctx) => {
  if (c.minClients > c.maxClients) ctx.addIssue({ code: 'custom', path: ['minClients'], message: `minClients ${c.minClients} exceeds maxClients ${c.maxClients}` });
  if (c.maxSeqLen % c.padMultiple !== 0) ctx.addIssue({ code: 'custom', path: ['padMultiple'], message: `maxSeqLen ${c.maxSeqLen} is not a multiple of padMultiple ${c.padMultiple}` });
  if (c.maxUpdateNorm !== null && c.updateNormLimit !== null && c.updateNormLimit < c.maxUpdateNorm) {
    ctx.addIssue({ code: 'custom', path: ['updateNormLimit'], message: `updateNormLimit ${c.updateNormLimit} is below maxUpdateNorm ${c.maxUpdateNorm}` });
  }
  const depth = modelDepth(c.model);
  if (depth !== null && c.cut > depth - 1) ctx.addIssue({ code: 'custom', path: ['cut'], message: `cut layer ${c.cut} out of range 1..${depth - 1} for ${c.model}` });
  if (c.secureAggregation && c.layout === 'u-shaped') {
    ctx.addIssue({ code: 'custom', path: ['secureAggregation'], message: 'secure aggregation does not work with the u-shaped layout: its masked report carries the training loss (which the u-shaped layout keeps in the tab) and has no room for the tabs\' held-out evaluation; use the standard layout or turn secure aggregation off' });
  }
  if (c.layout === 'u-shaped' && c.method !== 'splitlora') {
    ctx.addIssue({ code: 'custom', path: ['layout'], message: `the u-shaped layout is defined for method splitlora only, not ${c.method}: only splitlora trains the server's middle blocks between the tab's bottom blocks and its head; use the standard layout` });
  }
  if (c.secureAggregation && c.maxClients > 255) ctx.addIssue({ code: 'custom', path: ['maxClients'], message: `secure aggregation supports at most 255 clients per round, found maxClients ${c.maxClients}` });
  if (c.secureAggregation && c.minClients < 2) ctx.addIssue({ code: 'custom', path: ['minClients'], message: 'secure aggregation needs minClients >= 2 (one volunteer\'s sum is its update)' });
  if (c.method === 'sl') addSequentialIssues(c, ctx);
  if (!averagesAdapters(c.method) && c.method !== 'sl' && c.dp !== null) ctx.addIssue({ code: 'custom', path: ['dp'], message: `differential privacy is available with methods splitlora and fedlora only, not ${c.method}` });
  if (!averagesAdapters(c.method) && c.method !== 'sl' && c.secureAggregation) ctx.addIssue({ code: 'custom', path: ['secureAggregation'], message: `secure aggregation is available with methods splitlora and fedlora only, not ${c.method}` });
  const noiseIssue = activationNoiseIssue(c.method, c.activationNoise !== null);
  if (noiseIssue !== null) ctx.addIssue({ code: 'custom', path: ['activationNoise'], message: noiseIssue });
  if (depth === null && !c.model.startsWith('hf:')) ctx.addIssue({ code: 'custom', path: ['model'], message: `model must be one of ${[...EMBEDDED_MODEL_NAMES, ...MODEL_PRESET_NAMES].join(', ')} or hf:<folder>` });
});

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

/** Human-readable list of what is wrong with a payload: `path: message; …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
