// The tfjs backend workarounds and device-side choices as named flags, each with why it exists and where it was
// measured, defaulted per backend (as tfjs-backend-webgpu's flags_webgpu.ts). Read them with backendFlag(name);
// tests and benchmarks override them with setBackendFlags() and run every value.
import * as tf from '@tensorflow/tfjs-core';

export type FlagValue = boolean | number;

export interface BackendFlagDefinition<T extends FlagValue = FlagValue> {
  /** Why the flag exists, where it was measured or seen, and what each value does. */
  why: string;
  /** The value on backends without their own entry. */
  fallback: T;
  /** Values for particular tfjs backends ('webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow'). */
  perBackend?: Readonly<Record<string, T>>;
}

function flag<T extends FlagValue>(definition: BackendFlagDefinition<T>): BackendFlagDefinition<T> {
  return definition;
}

export const BACKEND_FLAGS = {
  /**
   * A transposed copy `<name>:T` of every frozen Conv1D weight (withTransposedConv1d), so the gradient w.r.t. a
   * layer's input is dy·Wᵀ as a plain matMul instead of a matMul with transposeB.
   */
  TRANSPOSED_CONV1D_WEIGHTS: flag({
    why: 'tfjs-backend-wasm 4.22 runs matMul with transposeB several times slower than without: the copy made the '
      + 'Conv1D backward 6x faster (`pnpm bench conv1d`) and the server gpt2 step 2.8x faster on wasm (2026-11-22, '
      + '2-core x86 host). GPU backends transpose inside the matMul kernel for free, so they keep one copy of the '
      + 'weights; cpu is too slow to matter and keeps the memory.',
    fallback: false,
    perBackend: { wasm: true },
  }),
  /**
   * A transposed copy of the tied embedding wte (V, E) → (E, V) (withTransposedHead) for the head's logits, so the
   * biggest matMul of a step runs without transposeB.
   */
  TRANSPOSED_HEAD_WEIGHTS: flag({
    why: 'Same cause as TRANSPOSED_CONV1D_WEIGHTS, for the (N, E)·(E, V) head product, the largest of a server '
      + 'step; measured on wasm (2026-11-22). Costs V·E floats (154 MB for gpt2). Not measured on GPUs: kept on '
      + 'everywhere as the server always did; the GPU benchmark can run both values (`pnpm bench gpu --flags`).',
    fallback: true,
  }),
  /**
   * Sums of many tensors as a chain of pairwise adds instead of one addN.
   */
  PAIRWISE_ADDS: flag({
    why: 'tfjs-backend-webgpu 4.22 builds one shader binding all addN inputs: with 8 or more inputs it needs more '
      + 'than the default 8 storage buffers per stage, the pipeline is invalid and the result is silently stale '
      + '(reproduced on Dawn/SwiftShader, 2026-11-29: addN of 1..8 gave 28, not 36). Other backends run addN in '
      + 'one kernel.',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  /**
   * LoRA dropout masks made on the device by a counter-based hash of (seed, element index) (the HashDropout kernel),
   * instead of tf.dropout, which draws its random numbers in JavaScript and uploads them.
   */
  DROPOUT_ON_DEVICE: flag({
    why: 'tf.dropout runs randomUniform on the host: on an NVIDIA H200 (2026-11-29, Dawn) the dropout masks took '
      + '~350 ms of a gpt2 8x512 client forward of ~410 ms. The hash kernel gives the same mask on every backend '
      + '(cpu, wasm, webgl, webgpu), so a recomputed forward matches bit for bit. false restores tf.dropout (other '
      + 'masks, same statistics) for comparisons.',
    fallback: true,
  }),
  /**
   * tfjs-backend-webgpu's matMul program (its WEBGPU_MATMUL_PROGRAM_TYPE) on a software adapter; −1 keeps tfjs's
   * choice. Hardware adapters always keep tfjs's choice.
   */
  SOFTWARE_ADAPTER_MATMUL_PROGRAM: flag({
    why: 'For small outputs (≤ 128 elements) tfjs picks its reduce program (type 0), which SwiftShader runs ~100x '
      + 'slower than the packed one (type 3): on Dawn/SwiftShader (2026-11-29, 2-core host under load) a tiny split '
      + 'step took 12.4 s with tfjs\'s choice, 1.07 s with type 3 and 0.37 s with type 2 (small-output), but type 2 '
      + 'made a 64x64x50257 head product 2.8x slower than types -1 and 3 (49 s vs 17 s). Type 3 is the safe choice.',
    fallback: -1,
    perBackend: { webgpu: 3 },
  }),
  /**
   * Fused WebGPU kernels for the hot path of a step (packages/core/src/kernels/*-webgpu.ts), each replacing a chain
   * of tfjs ops by one to three dispatches. A flag that is on for a backend without that kernel has no effect; off
   * runs the unfused ops, which stay the reference the kernels are tested against.
   */
  FUSED_LAYER_NORM: flag({
    why: 'Layer norm as one kernel per direction (one workgroup per row; the backward recomputes the row statistics) '
      + 'instead of ~9 forward and ~20 backward tfjs ops. On an NVIDIA H200 (2026-11-29) a gpt2 8x512 server step '
      + 'issued ~3,800 kernels whose GPU time was ~0.5 s of a ~1.6 s step: per-kernel host work dominates.',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  FUSED_GELU: flag({
    why: 'gelu_new as one elementwise kernel forward and one backward instead of 8 ops and their gradients, for the '
      + 'same reason as FUSED_LAYER_NORM (kernel count dominating WebGPU steps).',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  FUSED_ATTENTION: flag({
    why: 'Causal attention as a flash-attention style kernel reading q, k, v straight from c_attn\'s output: '
      + 'softmax(QKᵀ/√hs + causal mask)·V with an online softmax, no (T, T) matrix, no head split/merge '
      + 'transposes; its backward is two kernels (row statistics, then dq/dk/dv). Replaces ~15 forward and ~30 '
      + 'backward ops per block.',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  FUSED_LORA_PROJECTION: flag({
    why: 'A Conv1D with its LoRA term as matMul+bias, the thin x·Aᵀ, and one kernel adding (x·Aᵀ)·Bᵀ·α/r into the '
      + 'enabled q/k/v blocks; the backward as dx, dlow, dA, dB kernels. Replaces the slices, zero blocks, concat '
      + 'and adds of the q/v-only placement (~12 ops forward, ~25 backward). The dropout mask is applied before, '
      + 'by whatever makes the dropped input (DROPOUT_ON_DEVICE).',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  FUSED_HEAD_LOSS: flag({
    why: 'The tied head\'s cross-entropy per row chunk as two kernels (per-row loss from log-sum-exp; softmax minus '
      + 'the smoothed target) between the two matMuls, instead of ~18 ops per chunk (a gpt2 8x512 step has 25 '
      + 'chunks of the 50,257-wide vocabulary).',
    fallback: false,
    perBackend: { webgpu: true },
  }),
  FUSED_ADAMW: flag({
    why: 'AdamW as one kernel per trainable tensor (three elementwise dispatches: m, v, p) instead of ~15 ops plus '
      + 'their scalar uploads; with 18 LoRA tensors in a gpt2 server step that is ~270 engine kernels fewer. The '
      + 'arithmetic is the ops\' own, in their order.',
    fallback: false,
    perBackend: { webgpu: true },
  }),
} as const;

export type BackendFlagName = keyof typeof BACKEND_FLAGS;
type ValueOf<N extends BackendFlagName> = (typeof BACKEND_FLAGS)[N]['fallback'] extends boolean ? boolean : number;

const overrides = new Map<BackendFlagName, FlagValue>();

/** The flag's default on `backend` (no overrides). */
export function defaultFlagValue<N extends BackendFlagName>(name: N, backend: string): ValueOf<N> {
  const definition: BackendFlagDefinition = BACKEND_FLAGS[name];
  return (definition.perBackend?.[backend] ?? definition.fallback) as ValueOf<N>;
}

/** The flag's value for `backend` (default: the active tfjs backend), honouring overrides. */
export function backendFlag<N extends BackendFlagName>(name: N, backend: string = tf.getBackend()): ValueOf<N> {
  return (overrides.get(name) ?? defaultFlagValue(name, backend)) as ValueOf<N>;
}

/** Overrides flags for every backend until reset; unknown names and wrong value types fail with the name. */
export function setBackendFlags(values: Partial<Record<BackendFlagName, FlagValue>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in BACKEND_FLAGS)) throw new Error(`unknown backend flag ${name} (known: ${Object.keys(BACKEND_FLAGS).join(', ')})`);
    const expected = typeof BACKEND_FLAGS[name as BackendFlagName].fallback;
    if (typeof value !== expected) throw new Error(`backend flag ${name} takes a ${expected}, found ${JSON.stringify(value)}`);
    overrides.set(name as BackendFlagName, value as FlagValue);
  }
}

/** Drops the overrides of the given flags (all when none are named). */
export function resetBackendFlags(names: readonly BackendFlagName[] = [...overrides.keys()]): void {
  for (const name of names) overrides.delete(name);
}

/** Runs `fn` with some flags overridden, then restores the previous overrides (also when `fn` throws). */
export async function withBackendFlags<T>(values: Partial<Record<BackendFlagName, FlagValue>>, fn: () => T | Promise<T>): Promise<T> {
  const before = new Map(overrides);
  setBackendFlags(values);
  try {
    return await fn();
  } finally {
    overrides.clear();
    for (const [name, value] of before) overrides.set(name, value);
  }
}

/**
 * Parses `NAME=value,NAME=value` (booleans as true/false, numbers as numbers), e.g. from `--flags` on a command line.
 */
export function parseBackendFlags(text: string): Partial<Record<BackendFlagName, FlagValue>> {
  const out: Partial<Record<BackendFlagName, FlagValue>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const [name, raw] = part.split('=');
    if (name === undefined || raw === undefined || !(name in BACKEND_FLAGS)) {
      throw new Error(`backend flag "${part}": expected NAME=value with NAME one of ${Object.keys(BACKEND_FLAGS).join(', ')}`);
    }
    const kind = typeof BACKEND_FLAGS[name as BackendFlagName].fallback;
    const value = kind === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : null) : Number(raw);
    if (value === null || (typeof value === 'number' && !Number.isFinite(value))) throw new Error(`backend flag ${name} takes a ${kind}, found "${raw}"`);
    out[name as BackendFlagName] = value;
  }
  return out;
}

/** Every flag with its current value on `backend`, for banners and benchmark records. */
export function backendFlagValues(backend: string = tf.getBackend()): Record<BackendFlagName, FlagValue> {
  const out = {} as Record<BackendFlagName, FlagValue>;
  for (const name of Object.keys(BACKEND_FLAGS) as BackendFlagName[]) out[name] = backendFlag(name, backend);
  return out;
}

/**
 * Gaps of the backends that the code works around without a switch (there is no other way): tests check that each
 * still exists, so a tfjs upgrade that closes one is noticed.
 */
export const BACKEND_GAPS = {
  /** tiedHeadCrossEntropy writes its own gradient instead of differentiating `gather`. */
  WASM_NO_GATHER_GRADIENT: 'tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, the gradient of gather',
  /** maskedCrossEntropy makes its one-hot as int32, then casts. */
  WASM_ONE_HOT_FLOAT_BITS: 'tfjs-backend-wasm 4.22 OneHot writes integer bits when asked for float32',
  /** Backend activation checks getBackend() after setBackend() and runs a product with a known answer. */
  SET_BACKEND_FAILS_QUIETLY: 'tf.setBackend() can resolve while another backend stays active (webgpu without an adapter)',
} as const;
