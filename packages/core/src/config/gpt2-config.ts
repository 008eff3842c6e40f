// GPT-2 architecture config with Hugging Face field names, the presets (from the protocol's one preset table), and the
// conversion from an HF config.json.
import { isModelPresetName, MODEL_PRESET_NAMES, MODEL_PRESETS, type ModelPresetName, type PresetArchitecture } from '@splitlora/protocol';
import { fail } from '../errors.js';
import { rejectUnknownKeys, requireNumberIn, requirePositiveInt } from './strict-object.js';

export interface Gpt2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  /** Width of the MLP; null means 4 * n_embd, as in Hugging Face. */
  n_inner: number | null;
  layer_norm_epsilon: number;
  activation_function: 'gelu_new';
  bos_token_id: number;
  eos_token_id: number;
  /** Standard deviation of the random initialisation (used when no checkpoint is loaded). */
  initializer_range: number;
}

const GPT2_KEYS = [
  'vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head', 'n_inner',
  'layer_norm_epsilon', 'activation_function', 'bos_token_id', 'eos_token_id', 'initializer_range',
] as const;

const GPT2_VOCAB = 50257;
const EOS = 50256;

function preset({ n_embd, n_layer, n_head, n_positions }: PresetArchitecture): Gpt2Config {
  return {
    vocab_size: GPT2_VOCAB, n_positions, n_embd, n_layer, n_head, n_inner: null,
    layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', bos_token_id: EOS, eos_token_id: EOS,
    initializer_range: 0.02,
  };
}

export type Gpt2PresetName = ModelPresetName;

/** The named architectures of the protocol's preset table as full configs (GPT-2's vocabulary and layout). */
export const GPT2_PRESETS: Readonly<Record<Gpt2PresetName, Gpt2Config>> = Object.fromEntries(
  MODEL_PRESET_NAMES.map((name) => [name, preset(MODEL_PRESETS[name])]),
) as Record<Gpt2PresetName, Gpt2Config>;

export const isGpt2PresetName = isModelPresetName;

/** Builds a validated config from a preset plus overrides; unknown keys fail with their name. */
export function gpt2Config(base: Gpt2PresetName | Gpt2Config, overrides: Partial<Gpt2Config> = {}): Gpt2Config {
  const start: Gpt2Config | undefined = typeof base === 'string' ? GPT2_PRESETS[base] : base;
  if (start === undefined) fail('config', `unknown GPT-2 preset "${String(base)}"; known: ${Object.keys(GPT2_PRESETS).join(', ')}`);
  rejectUnknownKeys('gpt2 config', overrides, GPT2_KEYS);
  return validateGpt2Config({ ...start, ...overrides });
}

/** Checks every key of a config (one built here, or one read from the wire or a file) and returns it typed. */
export function validateGpt2Config(raw: Gpt2Config | Readonly<Record<string, unknown>>): Gpt2Config {
  rejectUnknownKeys('gpt2 config', raw, GPT2_KEYS);
  const config = raw as Gpt2Config; // each field is checked below before it is trusted
  const what = 'gpt2 config';
  for (const key of ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head'] as const) {
    requirePositiveInt(what, key, config[key]);
  }
  if (config.n_inner !== null) requirePositiveInt(what, 'n_inner', config.n_inner);
  requireNumberIn(what, 'layer_norm_epsilon', config.layer_norm_epsilon, 1e-12, 1e-1);
  requireNumberIn(what, 'initializer_range', config.initializer_range, 0, 1);
  if (config.n_embd % config.n_head !== 0) {
    fail('config', `gpt2 config: n_embd ${config.n_embd} is not divisible by n_head ${config.n_head}`);
  }
  if (config.activation_function !== 'gelu_new') {
    fail('config', `gpt2 config: activation_function must be "gelu_new", found ${JSON.stringify(config.activation_function)}`);
  }
  for (const key of ['bos_token_id', 'eos_token_id'] as const) {
    const id = config[key];
    if (!Number.isInteger(id) || id < 0 || id >= config.vocab_size) {
      fail('config', `gpt2 config: ${key} ${id} out of range 0..${config.vocab_size - 1}`);
    }
  }
  return config;
}

export function mlpWidth(config: Gpt2Config): number {
  return config.n_inner ?? 4 * config.n_embd;
}

/** HF config keys that change the math in ways this implementation does not support. */
const UNSUPPORTED_HF_FLAGS = ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention'] as const;

/** Converts a Hugging Face GPT-2 `config.json` into our config; keys that do not affect the math are ignored. */
export function gpt2ConfigFromHf(hf: Record<string, unknown>): Gpt2Config {
  const modelType = hf['model_type'];
  if (modelType !== undefined && modelType !== 'gpt2') {
    fail('config', `config.json: model_type must be "gpt2", found ${JSON.stringify(modelType)}`);
  }
  for (const flag of UNSUPPORTED_HF_FLAGS) {
    if (hf[flag] === true) fail('config', `config.json: ${flag}=true is not supported`);
  }
  if (hf['scale_attn_weights'] === false) fail('config', 'config.json: scale_attn_weights=false is not supported');
  if (hf['tie_word_embeddings'] === false) fail('config', 'config.json: untied LM head (tie_word_embeddings=false) is not supported');
  const activation = hf['activation_function'] ?? 'gelu_new';
  const normalized = activation === 'gelu_pytorch_tanh' ? 'gelu_new' : activation;
  const pick = (key: string, fallback?: unknown): unknown => {
    const v = hf[key];
    if (v === undefined) {
      if (fallback === undefined) fail('config', `config.json: missing required key "${key}"`);
      return fallback;
    }
    return v;
  };
  const config = {
    vocab_size: pick('vocab_size'),
    n_positions: pick('n_positions', hf['n_ctx'] ?? 1024),
    n_embd: pick('n_embd'),
    n_layer: pick('n_layer'),
    n_head: pick('n_head'),
    n_inner: hf['n_inner'] ?? null,
    layer_norm_epsilon: pick('layer_norm_epsilon', 1e-5),
    activation_function: normalized,
    bos_token_id: pick('bos_token_id', GPT2_VOCAB - 1),
    eos_token_id: pick('eos_token_id', GPT2_VOCAB - 1),
    initializer_range: pick('initializer_range', 0.02),
  } as Gpt2Config;
  return validateGpt2Config(config);
}

/** The inverse of gpt2ConfigFromHf: a config.json that transformers' GPT2LMHeadModel loads. */
export function gpt2ConfigToHf(config: Gpt2Config): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: config.vocab_size,
    n_positions: config.n_positions,
    n_ctx: config.n_positions,
    n_embd: config.n_embd,
    n_layer: config.n_layer,
    n_head: config.n_head,
    n_inner: config.n_inner,
    activation_function: config.activation_function,
    layer_norm_epsilon: config.layer_norm_epsilon,
    initializer_range: config.initializer_range,
    bos_token_id: config.bos_token_id,
    eos_token_id: config.eos_token_id,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    tie_word_embeddings: true,
  };
}

/** Checks a cut point: the client keeps blocks [0, cut), the server [cut, n_layer). */
export function validateCut(config: Gpt2Config, cut: number, modelName = 'model'): number {
  if (!Number.isInteger(cut) || cut < 1 || cut > config.n_layer - 1) {
    fail('range', `cut layer ${cut} out of range 1..${config.n_layer - 1} for ${modelName}`);
  }
  return cut;
}
