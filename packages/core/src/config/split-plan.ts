// A split plan: the model config, where it is cut and the LoRA config of a run, checked once — when the server
// creates the run, or when a volunteer reads its manifest — and then handed to the step functions, which trust it.
// Its constructor is private, so holding a SplitPlan means the checks passed.
import type { SplitLayout } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { adapterLayout } from '../lora/adapter-layout.js';
import { type Gpt2Config, validateCut, validateGpt2Config } from './gpt2-config.js';
import { type LoraConfig, type LoraConfigDraft, validateLoraConfig } from './lora-config.js';

export class SplitPlan {
  private constructor(
    readonly config: Gpt2Config,
    readonly layout: SplitLayout,
    readonly lora: LoraConfig,
    /** For messages ("cut layer 14 out of range 1..11 for gpt2"). */
    readonly modelName: string,
  ) {}

  /** Checks the model config, the cut against its depth and the LoRA config; a cut number means the standard layout. */
  static create(model: Gpt2Config | Readonly<Record<string, unknown>>, layout: SplitLayout | number, lora: LoraConfigDraft, modelName = 'model'): SplitPlan {
    const split: SplitLayout = typeof layout === 'number' ? { mode: 'standard', cut: layout } : layout;
    if (split.mode !== 'standard') fail('config', `this version trains only the standard split, not ${split.mode}`);
    const config = validateGpt2Config(model);
    validateCut(config, split.cut, modelName);
    return new SplitPlan(config, split, validateLoraConfig(lora), modelName);
  }

  /** The client keeps embeddings + blocks [0, cut); the server blocks [cut, n_layer), ln_f and the head. */
  get cut(): number {
    return this.layout.cut;
  }

  /** Names and shapes of the client's adapter tensors. */
  clientAdapterLayout(): Record<string, number[]> {
    return adapterLayout(this.config, this.lora, 0, this.cut);
  }

  /** Names and shapes of the server's adapter tensors. */
  serverAdapterLayout(): Record<string, number[]> {
    return adapterLayout(this.config, this.lora, this.cut, this.config.n_layer);
  }
}
