// The LoRA config the math works with. Its type (and the paper's default) lives in the protocol, derived from the
// run config's zod schema; this file checks what the math itself needs of any config — one a run accepted or one
// read from a PEFT adapter on disk, which may use values a run would refuse (say, rank 512 or dropout 0.95).
import { LORA_TARGETS, type LoraConfig, type LoraTarget, PAPER_LORA } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { rejectUnknownKeys, requireNumberIn, requirePositiveInt } from './strict-object.js';

export { type LoraConfig, PAPER_LORA };

/** The modules of a GPT-2 block that LoRA can wrap (Conv1D layers), by their names inside the block. */
export const LORA_MODULES = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;
export type LoraModule = (typeof LORA_MODULES)[number];

/** A LoRA config not checked yet: target names are any strings, fan_in_fan_out any boolean. */
export type LoraConfigDraft = Omit<LoraConfig, 'target_modules' | 'fan_in_fan_out'> & { target_modules: readonly string[]; fan_in_fan_out: boolean };

const LORA_KEYS = ['r', 'lora_alpha', 'lora_dropout', 'target_modules', 'fan_in_fan_out', 'enable_lora'] as const;

export function loraConfig(overrides: Partial<LoraConfigDraft> = {}, base: LoraConfig = PAPER_LORA): LoraConfig {
  rejectUnknownKeys('lora config', overrides, LORA_KEYS);
  return validateLoraConfig({ ...base, ...overrides });
}

function isLoraTarget(target: string): target is LoraTarget {
  return (LORA_TARGETS as readonly string[]).includes(target);
}

/** Checks a config against what the math supports and returns it typed: each problem names the key and the value. */
export function validateLoraConfig(config: LoraConfigDraft): LoraConfig {
  rejectUnknownKeys('lora config', config, LORA_KEYS);
  requirePositiveInt('lora config', 'r', config.r);
  requireNumberIn('lora config', 'lora_alpha', config.lora_alpha, Number.MIN_VALUE, 1e6);
  requireNumberIn('lora config', 'lora_dropout', config.lora_dropout, 0, 0.99);
  if (!Array.isArray(config.target_modules) || config.target_modules.length === 0) {
    fail('config', 'lora config.target_modules must be a non-empty list of module names');
  }
  const targets: LoraTarget[] = [];
  for (const target of config.target_modules) {
    if (!isLoraTarget(target) || !LORA_MODULES.some((module) => matchesTarget(module, target))) {
      fail('config', `lora config.target_modules: "${target}" matches no GPT-2 module; known: ${LORA_MODULES.join(', ')}`);
    }
    targets.push(target);
  }
  if (config.fan_in_fan_out !== true) {
    fail('config', 'lora config.fan_in_fan_out must be true for GPT-2 (its Conv1D weights are [in, out])');
  }
  if (config.enable_lora !== null) {
    const e = config.enable_lora;
    if (!Array.isArray(e) || e.length !== 3 || e.some((b) => typeof b !== 'boolean') || !e.includes(true)) {
      fail('config', `lora config.enable_lora must be null or three booleans (q, k, v) with at least one true, found ${JSON.stringify(e)}`);
    }
    if (!targets.some((t) => matchesTarget('attn.c_attn', t))) {
      fail('config', 'lora config.enable_lora is set but target_modules does not include c_attn');
    }
  }
  return { ...config, target_modules: targets, fan_in_fan_out: true };
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
