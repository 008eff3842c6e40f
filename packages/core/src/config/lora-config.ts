// LoRA config with PEFT's field names, plus loralib's `enable_lora` for the paper's query/value-only placement.
import { fail } from '../errors.js';
import { rejectUnknownKeys, requireNumberIn, requirePositiveInt } from './strict-object.js';

/** The modules of a GPT-2 block that LoRA can wrap (Conv1D layers), by their names inside the block. */
export const LORA_MODULES = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;
export type LoraModule = (typeof LORA_MODULES)[number];

export interface LoraConfig {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  /** PEFT suffix matching: "c_attn", "c_proj" (both attention and MLP), "c_fc", or a full "attn.c_proj". */
  target_modules: string[];
  /** GPT-2 stores Conv1D weights as [in, out]; PEFT needs this true for GPT-2. */
  fan_in_fan_out: boolean;
  /**
   * loralib's MergedLinear switch for the fused q/k/v projection `c_attn`: which of (q, k, v) get an adapter.
   * `[true, false, true]` is the paper's placement; null adapts the whole module as PEFT does.
   */
  enable_lora: [boolean, boolean, boolean] | null;
}

const LORA_KEYS = ['r', 'lora_alpha', 'lora_dropout', 'target_modules', 'fan_in_fan_out', 'enable_lora'] as const;

/** The SplitLoRA paper's adapters: rank 4 on the query and value projections (alpha 32, dropout 0.1 as in LoRA's E2E recipe). */
export const PAPER_LORA: LoraConfig = {
  r: 4,
  lora_alpha: 32,
  lora_dropout: 0.1,
  target_modules: ['c_attn'],
  fan_in_fan_out: true,
  enable_lora: [true, false, true],
};

export function loraConfig(overrides: Partial<LoraConfig> = {}, base: LoraConfig = PAPER_LORA): LoraConfig {
  rejectUnknownKeys('lora config', overrides, LORA_KEYS);
  return validateLoraConfig({ ...base, ...overrides });
}

export function validateLoraConfig(config: LoraConfig): LoraConfig {
  rejectUnknownKeys('lora config', config, LORA_KEYS);
  requirePositiveInt('lora config', 'r', config.r);
  requireNumberIn('lora config', 'lora_alpha', config.lora_alpha, Number.MIN_VALUE, 1e6);
  requireNumberIn('lora config', 'lora_dropout', config.lora_dropout, 0, 0.99);
  if (!Array.isArray(config.target_modules) || config.target_modules.length === 0) {
    fail('config', 'lora config.target_modules must be a non-empty list of module names');
  }
  for (const target of config.target_modules) {
    if (!LORA_MODULES.some((module) => matchesTarget(module, target))) {
      fail('config', `lora config.target_modules: "${target}" matches no GPT-2 module; known: ${LORA_MODULES.join(', ')}`);
    }
  }
  if (config.fan_in_fan_out !== true) {
    fail('config', 'lora config.fan_in_fan_out must be true for GPT-2 (its Conv1D weights are [in, out])');
  }
  if (config.enable_lora !== null) {
    const e = config.enable_lora;
    if (!Array.isArray(e) || e.length !== 3 || e.some((b) => typeof b !== 'boolean') || !e.includes(true)) {
      fail('config', `lora config.enable_lora must be null or three booleans (q, k, v) with at least one true, found ${JSON.stringify(e)}`);
    }
    if (!config.target_modules.some((t) => matchesTarget('attn.c_attn', t))) {
      fail('config', 'lora config.enable_lora is set but target_modules does not include c_attn');
    }
  }
  return config;
}

/** PEFT's rule: a target matches a module when it equals the module's name or ends it after a dot. */
export function matchesTarget(module: string, target: string): boolean {
  return module === target || module.endsWith(`.${target}`);
}

export function targetedModules(config: LoraConfig): LoraModule[] {
  return LORA_MODULES.filter((module) => config.target_modules.some((t) => matchesTarget(module, t)));
}

export function loraScaling(config: LoraConfig): number {
  return config.lora_alpha / config.r;
}
