// The LoRA config (PEFT's field names, loralib's `enable_lora`): its zod schema is the one home of the type and of
// the values a run accepts; the core derives its LoraConfig from it and checks the math on top (lora-config.ts there).
import { z } from 'zod';

/** PEFT suffixes that select GPT-2 Conv1D modules: "c_attn", "c_proj" (attention and MLP), "c_fc", or a full name. */
export const LORA_TARGETS = ['c_attn', 'c_proj', 'c_fc', 'attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export const loraConfigSchema = z.strictObject({
  r: z.number().int().min(1).max(256),
  lora_alpha: z.number().positive().max(1e4),
  lora_dropout: z.number().min(0).max(0.9),
  target_modules: z.array(z.enum(LORA_TARGETS)).min(1),
  /** GPT-2 stores Conv1D weights as [in, out]; PEFT needs this true for GPT-2. */
  fan_in_fan_out: z.literal(true).default(true),
  /**
   * loralib's MergedLinear switch for the fused q/k/v projection `c_attn`: which of (q, k, v) get an adapter.
   * `[true, false, true]` is the paper's placement; null adapts the whole module as PEFT does.
   */
  enable_lora: z.tuple([z.boolean(), z.boolean(), z.boolean()]).nullable(),
});

export type LoraConfig = z.output<typeof loraConfigSchema>;

/** The SplitLoRA paper's adapters: rank 4 on query and value (alpha 32, dropout 0.1, as in LoRA's E2E recipe). */
export const PAPER_LORA: LoraConfig = {
  r: 4, lora_alpha: 32, lora_dropout: 0.1, target_modules: ['c_attn'], fan_in_fan_out: true, enable_lora: [true, false, true],
};
