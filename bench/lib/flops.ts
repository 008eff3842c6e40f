// Rough FLOP counts of the split steps, used only to skip combinations that would take too long (the tables
// report measured times, never these estimates).
import { type Gpt2Config, mlpWidth } from '@splitlora/core';

/** Frozen weights one block multiplies by (attention + MLP projections). */
function blockMacs(config: Gpt2Config): number {
  const E = config.n_embd;
  return 4 * E * E + 2 * E * mlpWidth(config);
}

/** Forward + backward (input gradients; LoRA's own are negligible) ≈ 2 × forward ≈ 4 FLOPs per weight per token. */
export function serverStepFlops(config: Gpt2Config, cut: number, batch: number, seq: number): number {
  const blocks = config.n_layer - cut;
  const perToken = blocks * (blockMacs(config) + 2 * seq * config.n_embd) + config.vocab_size * config.n_embd;
  return 4 * perToken * batch * seq;
}

/** Forward to the cut, the recomputed forward and its backward ≈ 3 × forward. */
export function clientStepFlops(config: Gpt2Config, cut: number, batch: number, seq: number): number {
  const perToken = cut * (blockMacs(config) + 2 * seq * config.n_embd);
  return 6 * perToken * batch * seq;
}
