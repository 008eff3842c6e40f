// How large one fused SFL-V2 server step may grow, in positions (rows × padded length): a bound on the activation
// memory it keeps for the backward pass (the wasm backend's whole heap is 4 GiB) and on how long its synchronous
// kernels hold the event loop (heartbeats and other clients' messages wait meanwhile).
import type { Gpt2Config } from '@splitlora/core';

/** Activation memory one fused step may keep for its backward pass. */
export const FUSED_ACTIVATION_BYTES = 256 * 2 ** 20;
/** Upper bound whatever the model (a few seconds of work on a CPU backend). */
export const MAX_FUSED_POSITIONS = 4096;
/** float32 values a block keeps per position for its backward pass, in units of n_embd (q, k, v, MLP, norms…). */
const SAVED_PER_POSITION_PER_BLOCK = 24;

export function maxFusedPositions(config: Gpt2Config, cut: number): number {
  const blocks = Math.max(1, config.n_layer - cut);
  const bytesPerPosition = blocks * SAVED_PER_POSITION_PER_BLOCK * config.n_embd * 4;
  return Math.max(1, Math.min(MAX_FUSED_POSITIONS, Math.floor(FUSED_ACTIVATION_BYTES / bytesPerPosition)));
}

/** Positions of these steps fused: every row is padded to the longest. */
export function fusedPositions(steps: ReadonlyArray<{ batch: number; seqLen: number }>): number {
  const rows = steps.reduce((sum, s) => sum + s.batch, 0);
  return rows * Math.max(0, ...steps.map((s) => s.seqLen));
}
