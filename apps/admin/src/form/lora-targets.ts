// LoRA placement in the form (one checkbox per GPT-2 module) ↔ PEFT's target_modules suffixes, shortest form first.
import type { LoraTarget } from '@splitlora/protocol';

/** The four Conv1D modules of a GPT-2 block that LoRA can wrap. */
export const LORA_MODULE_CHOICES = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;
export type LoraModuleChoice = (typeof LORA_MODULE_CHOICES)[number];

export const LORA_MODULE_LABELS: Record<LoraModuleChoice, string> = {
  'attn.c_attn': 'attn.c_attn — q, k, v projection',
  'attn.c_proj': 'attn.c_proj — attention output',
  'mlp.c_fc': 'mlp.c_fc — MLP up-projection',
  'mlp.c_proj': 'mlp.c_proj — MLP down-projection',
};

/** PEFT's rule: a target matches a module when it equals the module's name or ends it after a dot. */
function matches(module: string, target: string): boolean {
  return module === target || module.endsWith(`.${target}`);
}

export function targetsToModules(targets: readonly string[]): LoraModuleChoice[] {
  return LORA_MODULE_CHOICES.filter((m) => targets.some((t) => matches(m, t)));
}

/** The shortest target list that selects exactly these modules (so the paper's default stays ['c_attn']). */
export function modulesToTargets(modules: readonly LoraModuleChoice[]): LoraTarget[] {
  const has = (m: LoraModuleChoice): boolean => modules.includes(m);
  const targets: LoraTarget[] = [];
  if (has('attn.c_attn')) targets.push('c_attn');
  if (has('attn.c_proj') && has('mlp.c_proj')) targets.push('c_proj');
  else if (has('attn.c_proj')) targets.push('attn.c_proj');
  if (has('mlp.c_fc')) targets.push('c_fc');
  if (has('mlp.c_proj') && !has('attn.c_proj')) targets.push('mlp.c_proj');
  return targets;
}
