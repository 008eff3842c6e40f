// Hugging Face GPT-2 parameter names and their expected shapes (Conv1D weights are [in, out]).
import type { Gpt2Config } from '../config/gpt2-config.js';
import { mlpWidth } from '../config/gpt2-config.js';

export const WTE = 'transformer.wte.weight';
export const WPE = 'transformer.wpe.weight';
/**
 * A derived, never saved copy of wte transposed to [E, V]: the head's matMul without transposeB (8× faster on
 * the wasm backend). Created by withTransposedHead(); the loaders and checkpoints never see it.
 */
export const WTE_T = 'transformer.wte.weight:T';
export const LN_F_WEIGHT = 'transformer.ln_f.weight';

/** The derived transposed copy of a frozen weight (never saved; see transposed-head.ts). */
export function transposedName(name: string): string {
  return `${name}:T`;
}

/** Whether `name` is a transposed copy made by transposedName(). */
export function isTransposedCopy(name: string): boolean {
  return name.endsWith(':T');
}

/** Whether `name` is a Conv1D weight of a block ([in, out] layout). */
export function isConv1dWeight(name: string): boolean {
  return /^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/.test(name);
}
export const LN_F_BIAS = 'transformer.ln_f.bias';

export function blockPrefix(layer: number): string {
  return `transformer.h.${layer}`;
}

/** The parameters of block `layer`, with their shapes. */
export function blockParamShapes(config: Gpt2Config, layer: number): Record<string, number[]> {
  const E = config.n_embd;
  const H = mlpWidth(config);
  const p = blockPrefix(layer);
  return {
    [`${p}.ln_1.weight`]: [E],
    [`${p}.ln_1.bias`]: [E],
    [`${p}.attn.c_attn.weight`]: [E, 3 * E],
    [`${p}.attn.c_attn.bias`]: [3 * E],
    [`${p}.attn.c_proj.weight`]: [E, E],
    [`${p}.attn.c_proj.bias`]: [E],
    [`${p}.ln_2.weight`]: [E],
    [`${p}.ln_2.bias`]: [E],
    [`${p}.mlp.c_fc.weight`]: [E, H],
    [`${p}.mlp.c_fc.bias`]: [H],
    [`${p}.mlp.c_proj.weight`]: [H, E],
    [`${p}.mlp.c_proj.bias`]: [E],
  };
}

/** Which parts of the model a party holds: embeddings, a block range, the final norm (the head is tied to wte). */
export interface ModelPart {
  embeddings: boolean;
  fromLayer: number;
  toLayer: number;
  head: boolean;
}

export function fullModelPart(config: Gpt2Config): ModelPart {
  return { embeddings: true, fromLayer: 0, toLayer: config.n_layer, head: true };
}

/** The client split: embeddings + blocks [0, cut). */
export function clientPart(cut: number): ModelPart {
  return { embeddings: true, fromLayer: 0, toLayer: cut, head: false };
}

/** The server split: blocks [cut, L) + ln_f + the tied head (which needs wte). */
export function serverPart(config: Gpt2Config, cut: number): ModelPart {
  return { embeddings: false, fromLayer: cut, toLayer: config.n_layer, head: true };
}

export function expectedParamShapes(config: Gpt2Config, part: ModelPart = fullModelPart(config)): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  if (part.embeddings || part.head) shapes[WTE] = [config.vocab_size, config.n_embd];
  if (part.embeddings) shapes[WPE] = [config.n_positions, config.n_embd];
  for (let layer = part.fromLayer; layer < part.toLayer; layer++) Object.assign(shapes, blockParamShapes(config, layer));
  if (part.head) {
    shapes[LN_F_WEIGHT] = [config.n_embd];
    shapes[LN_F_BIAS] = [config.n_embd];
  }
  return shapes;
}
