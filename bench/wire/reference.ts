// The SplitLoRA reference implementation's per-step traffic for the same batches: fp32 hidden states padded to
// 512 tokens, the client blocks' key/value "presents" (2 × B × n_head × 512 × head_size fp32 each, sent but
// unused), int64 labels (B × 512), and fp32 gradients back (B × 512 × E).
import type { Gpt2Config } from '@splitlora/core';

export const REFERENCE_SEQ_LEN = 512;

export interface ReferenceStepBytes {
  hidden: number;
  presents: number;
  labels: number;
  gradients: number;
  total: number;
}

export function referenceStepBytes(config: Gpt2Config, cut: number, batch: number): ReferenceStepBytes {
  const T = REFERENCE_SEQ_LEN;
  const E = config.n_embd;
  const headSize = E / config.n_head;
  const hidden = batch * T * E * 4;
  const presents = cut * 2 * batch * config.n_head * T * headSize * 4;
  const labels = batch * T * 8;
  const gradients = batch * T * E * 4;
  return { hidden, presents, labels, gradients, total: hidden + presents + labels + gradients };
}
