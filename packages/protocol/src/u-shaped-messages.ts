// zod schemas (and their types) of the u-shaped layout's exchanges: the tab keeps the head, so per step it sends the
// cut activations and receives the server's output activations, then sends the gradient of that output and
// receives the gradient at the cut. Held-out evaluation sends activations and receives outputs, nothing else.
import { z } from 'zod';
import { idSchema } from './shared-records.js';
import { type TensorFrame, tensorFrameSchema } from './tensor-frame.js';
import { type Stamp, stampSchema } from './volunteer-messages.js';

/** Held-out batches a tab may evaluate per round (after its local steps, before its update). */
export const MAX_EVAL_BATCHES = 8;

export const cutForwardRequestSchema = z.strictObject({
  stamp: stampSchema,
  /** The cut-layer activation (B, T, E), float16 or float32 as the run says. */
  activations: tensorFrameSchema,
});
export type CutForwardRequest = z.infer<typeof cutForwardRequestSchema>;
/** The hidden state leaving the server's last block (B, T, E), in the run's wire dtype. */
export interface CutForwardResponse { stamp: Stamp; output: TensorFrame }

export const outputGradientRequestSchema = z.strictObject({
  /** The stamp of the forward it answers. */
  stamp: stampSchema,
  /** Gradient of the tab's loss w.r.t. the server's output (B, T, E). */
  gradient: tensorFrameSchema,
});
export type OutputGradientRequest = z.infer<typeof outputGradientRequestSchema>;
/** The gradient at the cut (B, T, E); the server has stepped its adapter. */
export interface OutputGradientResponse { stamp: Stamp; gradient: TensorFrame }

export const evalStampSchema = z.strictObject({ runId: idSchema, round: z.number().int().min(0), batch: z.number().int().min(0).max(MAX_EVAL_BATCHES - 1) });
export type EvalStamp = z.infer<typeof evalStampSchema>;

export const evalForwardRequestSchema = z.strictObject({
  stamp: evalStampSchema,
  /** Cut activations of a held-out batch, without dropout. */
  activations: tensorFrameSchema,
});
export type EvalForwardRequest = z.infer<typeof evalForwardRequestSchema>;
export interface EvalForwardResponse { stamp: EvalStamp; output: TensorFrame }
