// A split plan: the model config, where it is cut and the LoRA config of a run, checked once — when the server
// creates the run, or when a volunteer reads its manifest — and then handed to the step functions, which trust it.
// Its constructor is private, so holding a SplitPlan means the checks passed.
import type { SplitLayout } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { adapterLayout, initAdapter } from '../lora/adapter-layout.js';
import { clientPart, expectedParamShapes, fullModelPart, type ModelPart, serverPart } from '../model/param-names.js';
import type { NamedHostTensors } from '../tensors/named-tensors.js';
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

  /**
   * Checks the model config, the cut(s) against its depth and the LoRA config; a cut number means the standard
   * layout. U-shaped: 1 ≤ cut < tailCut ≤ L (the server keeps at least one block; tailCut = L gives it no head).
   * Whole: the client holds every block, ln_f and the head (federated LoRA); the server holds nothing to train.
   */
  static create(model: Gpt2Config | Readonly<Record<string, unknown>>, layout: SplitLayout | number, lora: LoraConfigDraft, modelName = 'model'): SplitPlan {
    const split: SplitLayout = typeof layout === 'number' ? { mode: 'standard', cut: layout } : layout;
    const config = validateGpt2Config(model);
    if (split.mode !== 'whole') validateCut(config, split.cut, modelName);
    if (split.mode === 'u-shaped') {
      const { cut, tailCut } = split;
      if (!Number.isInteger(tailCut) || tailCut <= cut || tailCut > config.n_layer) {
        fail('range', `u-shaped tail cut ${tailCut} out of range ${cut + 1}..${config.n_layer} for ${modelName} (cut ${cut})`);
      }
    } else if (split.mode !== 'standard' && split.mode !== 'whole') {
      fail('config', `unknown split layout ${(split as { mode: string }).mode}`);
    }
    return new SplitPlan(config, split, validateLoraConfig(lora), modelName);
  }

  /** The client keeps embeddings + blocks [0, cut); the server starts at block `cut` (whole: L, no server block). */
  get cut(): number {
    return this.layout.mode === 'whole' ? this.config.n_layer : this.layout.cut;
  }

  /** Whether the client holds the whole model (every block, ln_f and the head) and trains it without the server. */
  get whole(): boolean {
    return this.layout.mode === 'whole';
  }

  /** Whether the client also keeps the tail (blocks [tailCut, L), ln_f and the head), so labels never leave it. */
  get uShaped(): boolean {
    return this.layout.mode === 'u-shaped';
  }

  /** One past the server's last block: L in the standard layout. */
  get tailCut(): number {
    return this.layout.mode === 'u-shaped' ? this.layout.tailCut : this.config.n_layer;
  }

  /** The parts of the model the client holds: the bottom, and in u-shaped mode the tail with ln_f and the head. */
  clientParts(): ModelPart[] {
    if (this.whole) return [fullModelPart(this.config)];
    const bottom = clientPart(this.cut);
    if (!this.uShaped) return [bottom];
    return [bottom, { embeddings: false, fromLayer: this.tailCut, toLayer: this.config.n_layer, head: true }];
  }

  /** The part of the model the server trains: blocks [cut, tailCut), plus ln_f and the head in the standard layout. */
  serverModelPart(): ModelPart {
    if (this.whole) return { embeddings: false, fromLayer: this.cut, toLayer: this.cut, head: false };
    if (!this.uShaped) return serverPart(this.config, this.cut);
    return { embeddings: false, fromLayer: this.cut, toLayer: this.tailCut, head: false };
  }

  /** Names and shapes of the client's frozen base weights. */
  clientParamShapes(): Record<string, number[]> {
    return Object.assign({}, ...this.clientParts().map((part) => expectedParamShapes(this.config, part))) as Record<string, number[]>;
  }

  /** Names and shapes of the server's frozen base weights. */
  serverParamShapes(): Record<string, number[]> {
    return expectedParamShapes(this.config, this.serverModelPart());
  }

  /** Names and shapes of the client's adapter tensors. */
  clientAdapterLayout(): Record<string, number[]> {
    return Object.assign({}, ...this.clientParts().map((p) => adapterLayout(this.config, this.lora, p.fromLayer, p.toLayer))) as Record<string, number[]>;
  }

  /** Names and shapes of the server's adapter tensors. */
  serverAdapterLayout(): Record<string, number[]> {
    return adapterLayout(this.config, this.lora, this.cut, this.tailCut);
  }

  /** PEFT's initial client adapter (A Kaiming-uniform seeded per name, B zero): the whole model's, restricted. */
  initClientAdapter(seed: number): NamedHostTensors {
    return Object.assign({}, ...this.clientParts().map((p) => initAdapter(this.config, this.lora, p.fromLayer, p.toLayer, seed))) as NamedHostTensors;
  }

  /** PEFT's initial server adapter. */
  initServerAdapter(seed: number): NamedHostTensors {
    return initAdapter(this.config, this.lora, this.cut, this.tailCut, seed);
  }
}
