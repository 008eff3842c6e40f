// PEFT adapter files: export ours as adapter_model.safetensors + adapter_config.json that PeftModel loads,
// and import PEFT adapters. A q/v-only (merged) adapter becomes a whole-c_attn adapter of rank g·r whose
// B is block-structured, with alpha scaled by g, so PEFT computes exactly the same ΔW.
import type { Gpt2Config } from '../config/gpt2-config.js';
import { type LoraConfig, type LoraConfigDraft, type LoraModule, targetedModules, validateLoraConfig } from '../config/lora-config.js';
import { fail } from '../errors.js';
import { parseSafetensors, writeSafetensors } from '../io/safetensors.js';
import { readJson, type FileSource } from '../io/file-source.js';
import { type NamedHostTensors } from '../tensors/named-tensors.js';
import { adapterLayout, loraAName, loraBName, moduleDims } from './adapter-layout.js';

const PEFT_PREFIX = 'base_model.model.';
const METADATA_KEY = 'splitlora';

export interface AdapterFiles {
  'adapter_model.safetensors': Uint8Array;
  'adapter_config.json': Uint8Array;
}

/** Which blocks an adapter table covers, read from its names. */
export function adapterLayers(adapter: NamedHostTensors): number[] {
  const layers = new Set<number>();
  for (const name of Object.keys(adapter)) {
    const match = /^transformer\.h\.(\d+)\./.exec(name);
    if (match === null) fail('adapter', `adapter tensor ${name} is not inside a block`);
    layers.add(Number(match[1]));
  }
  return [...layers].sort((a, b) => a - b);
}

export function exportPeftAdapter(
  model: Gpt2Config, lora: LoraConfig, adapter: NamedHostTensors, options: { baseModel?: string } = {},
): AdapterFiles {
  const layers = adapterLayers(adapter);
  const expected = adapterLayout(model, lora, 0, model.n_layer);
  for (const [name, t] of Object.entries(adapter)) {
    const shape = expected[name];
    if (shape === undefined || shape.join() !== t.shape.join()) fail('adapter', `adapter tensor ${name} does not fit the LoRA config`);
  }
  const out: NamedHostTensors = {};
  const enable = lora.enable_lora;
  const groups = enable === null ? 1 : enable.filter(Boolean).length;
  const E = model.n_embd;
  for (const layer of layers) {
    for (const module of targetedModules(lora)) {
      const a = adapter[loraAName(layer, module)];
      const b = adapter[loraBName(layer, module)];
      if (a === undefined || b === undefined) fail('adapter', `adapter lacks ${loraAName(layer, module)} or its lora_B`);
      out[PEFT_PREFIX + loraAName(layer, module)] = a;
      if (module !== 'attn.c_attn' || enable === null) {
        out[PEFT_PREFIX + loraBName(layer, module)] = b;
        continue;
      }
      // Expand loralib's B [g·E, r] into PEFT's B [3E, g·r]: group j's block lands at rows of its part, columns j·r.
      const r = lora.r;
      const full = new Float32Array(3 * E * groups * r);
      let group = 0;
      enable.forEach((enabled, part) => {
        if (!enabled) return;
        for (let row = 0; row < E; row++) {
          for (let k = 0; k < r; k++) full[(part * E + row) * groups * r + group * r + k] = b.data[(group * E + row) * r + k]!;
        }
        group++;
      });
      out[PEFT_PREFIX + loraBName(layer, module)] = { shape: [3 * E, groups * r], data: full };
    }
  }
  const peftConfig = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: options.baseModel ?? null,
    r: lora.r * groups,
    lora_alpha: lora.lora_alpha * groups,
    lora_dropout: lora.lora_dropout,
    target_modules: [...lora.target_modules],
    fan_in_fan_out: true,
    bias: 'none',
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: layers.length === model.n_layer ? null : layers,
    layers_pattern: layers.length === model.n_layer ? null : 'h',
  };
  const metadata = { format: 'pt', [METADATA_KEY]: JSON.stringify({ lora, layers }) };
  return {
    'adapter_model.safetensors': writeSafetensors(out, 'F32', metadata),
    'adapter_config.json': new TextEncoder().encode(JSON.stringify(peftConfig, null, 2)),
  };
}

export interface ImportedAdapter {
  config: LoraConfig;
  layers: number[];
  tensors: NamedHostTensors;
}

/** Reads PEFT adapter files (ours or PEFT's own) back into our names and layout. */
export async function importPeftAdapter(model: Gpt2Config, source: FileSource): Promise<ImportedAdapter> {
  const peftConfig = await readJson(source, 'adapter_config.json');
  if (peftConfig === null) fail('format', `${source.location}: adapter_config.json not found`);
  const bytes = await source.read('adapter_model.safetensors');
  if (bytes === null) fail('format', `${source.location}: adapter_model.safetensors not found`);
  if (peftConfig['peft_type'] !== 'LORA') fail('format', `${source.location}: peft_type must be LORA, found ${JSON.stringify(peftConfig['peft_type'])}`);
  const file = parseSafetensors(bytes, `${source.location}/adapter_model.safetensors`);
  const raw: NamedHostTensors = {};
  for (const key of file.names()) {
    const name = key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length) : key;
    raw[name.replace('.lora_A.default.', '.lora_A.').replace('.lora_B.default.', '.lora_B.')] = file.read(key);
  }
  const ours = file.metadata[METADATA_KEY];
  if (ours !== undefined) {
    const stored = JSON.parse(ours) as { lora: LoraConfigDraft; layers: number[] };
    const lora = validateLoraConfig(stored.lora);
    const { layers } = stored;
    return { config: lora, layers, tensors: collapseMerged(model, lora, layers, raw) };
  }
  const targets = peftConfig['target_modules'];
  if (!Array.isArray(targets)) fail('format', `${source.location}: target_modules must be a list (regex targets are not supported)`);
  const config = validateLoraConfig({
    r: peftConfig['r'] as number,
    lora_alpha: peftConfig['lora_alpha'] as number,
    lora_dropout: (peftConfig['lora_dropout'] as number | undefined) ?? 0,
    target_modules: targets as string[],
    fan_in_fan_out: true,
    enable_lora: null,
  });
  if (peftConfig['use_rslora'] === true || peftConfig['use_dora'] === true) fail('format', `${source.location}: rsLoRA and DoRA adapters are not supported`);
  const layers = adapterLayers(raw);
  checkAgainstLayout(model, config, layers, raw, source.location);
  return { config, layers, tensors: raw };
}

function checkAgainstLayout(model: Gpt2Config, lora: LoraConfig, layers: number[], tensors: NamedHostTensors, where: string): void {
  const layout = adapterLayout(model, lora, 0, model.n_layer);
  for (const layer of layers) {
    for (const module of targetedModules(lora)) {
      for (const name of [loraAName(layer, module), loraBName(layer, module)]) {
        const t = tensors[name];
        if (t === undefined) fail('adapter', `${where}: adapter lacks ${name}`);
        if (t.shape.join() !== layout[name]!.join()) fail('adapter', `${where}: ${name} has shape [${t.shape}], expected [${layout[name]}]`);
      }
    }
  }
}

/** Inverse of the export's expansion; refuses a B whose off-block entries are not zero. */
function collapseMerged(model: Gpt2Config, lora: LoraConfig, layers: number[], raw: NamedHostTensors): NamedHostTensors {
  const out: NamedHostTensors = {};
  const enable = lora.enable_lora;
  const E = model.n_embd;
  const r = lora.r;
  for (const layer of layers) {
    for (const module of targetedModules(lora)) {
      const aName = loraAName(layer, module);
      const bName = loraBName(layer, module);
      const a = raw[aName];
      const b = raw[bName];
      if (a === undefined || b === undefined) fail('adapter', `adapter lacks ${a === undefined ? aName : bName}`);
      out[aName] = a;
      if (module !== 'attn.c_attn' || enable === null) {
        out[bName] = b;
        continue;
      }
      const groups = enable.filter(Boolean).length;
      if (b.shape.join() !== [moduleDims(model, module as LoraModule).fanOut, groups * r].join()) {
        fail('adapter', `${bName} has shape [${b.shape}], expected [${3 * E}, ${groups * r}]`);
      }
      const merged = new Float32Array(groups * E * r);
      let group = 0;
      enable.forEach((enabled, part) => {
        for (let row = 0; row < E; row++) {
          for (let col = 0; col < groups * r; col++) {
            const value = b.data[(part * E + row) * groups * r + col]!;
            const inBlock = enabled && col >= group * r && col < (group + 1) * r;
            if (inBlock) merged[(group * E + row) * r + (col - group * r)] = value;
            else if (value !== 0) fail('adapter', `${bName}: entry outside the q/v blocks is ${value}, not 0; cannot import as a merged adapter`);
          }
        }
        if (enabled) group++;
      });
      out[bName] = { shape: [groups * E, r], data: merged };
    }
  }
  checkAgainstLayout(model, lora, layers, out, 'imported adapter');
  return out;
}
