// Named run settings a dashboard starts from: "short run" (the defaults: a few short rounds that visibly learn on the
// embedded model, with a held-out slice of E2E dev for evaluation) and "paper (SplitLoRA)", the authors' recipe.
import { PAPER_LORA } from './lora-config.js';
import { type RunConfig, type RunConfigInput, runConfigSchema } from './run-config.js';

/** What a preset sets: everything but which model and what the run is called. */
export type PresetSettings = Omit<RunConfigInput, 'model' | 'name'>;

export interface RunPreset {
  label: string;
  /** One sentence for the form: what the preset is for. */
  description: string;
  settings: PresetSettings;
}

/** The evaluation slice of both presets: the first examples of the E2E dev set, which volunteers should not train on. */
export const DEFAULT_EVAL_DATA = 'e2e/devset.csv';

/**
 * The paper's recipe as the authors' code runs it (FDU-INC/Split_LoRA, examples/NLG/src/gpt2_ft_sfl.py and the
 * README's "Hyper-Parameter" list and training command):
 * - `--train_batch_size 8`, `--seq_len 512`, `--lr 0.0002`, `--weight_decay 0.01`, `--scheduler linear`,
 *   `--warmup_step 500`, `--clip 0.0` (no clipping), `--label_smooth 0.1`, `--lora_dim 4 --lora_alpha 32
 *   --lora_dropout 0.1` on the query and value projections (loralib's enable_lora [q, v]), `--random_seed 110`;
 * - the client model ends after block 3 (`layer_idx + 3` when the server blocks are renamed back), three clients
 *   (train0/1/2.jsonl) take turns against one shared server model and optimizer: SFL-V2;
 * - `aggregate_step = 100` counts every client's steps, so the three clients each take ~33 local steps per FedAvg;
 * - `--max_epoch 5` over E2E train (42,061 examples) at 8 × 3 per turn: 5 × 42,061 / (8 × 3 × 33) ≈ 265 rounds,
 *   over which the linear schedule decays.
 * It evaluates on E2E dev (valid.jsonl) every 2,000 steps; a run here evaluates a slice of it every round.
 */
const PAPER_SETTINGS: PresetSettings = {
  seed: 110, cut: 3, lora: PAPER_LORA, lr: 2e-4, schedule: 'linear', warmupSteps: 500, weightDecay: 0.01, maxGradNorm: 0,
  labelSmoothing: 0.1, batchSize: 8, maxSeqLen: 512, localSteps: 33, rounds: 265, minClients: 3, maxClients: 3, sfl: 'v2',
  evalData: DEFAULT_EVAL_DATA,
};

/** The schema's defaults (5 rounds of 10 steps, clipping at 1, no warm-up or smoothing) plus evaluation data. */
const SHORT_RUN_SETTINGS: PresetSettings = { evalData: DEFAULT_EVAL_DATA };

export const RUN_PRESETS = {
  'short-run': {
    label: 'short run',
    description: 'A few short rounds that visibly learn on the embedded model: no warm-up, clipping at 1, no label smoothing.',
    settings: SHORT_RUN_SETTINGS,
  },
  paper: {
    label: 'paper (SplitLoRA)',
    description: 'The SplitLoRA authors’ recipe for GPT-2 on E2E: 265 rounds of 33 local steps, warm-up 500, label smoothing 0.1, no clipping.',
    settings: PAPER_SETTINGS,
  },
} as const satisfies Record<string, RunPreset>;

export type RunPresetId = keyof typeof RUN_PRESETS;
export const RUN_PRESET_IDS = Object.keys(RUN_PRESETS) as RunPresetId[];
export const DEFAULT_RUN_PRESET: RunPresetId = 'short-run';

/** A complete run config: the preset's settings for this model and name. */
export function presetConfig(id: RunPresetId, base: Pick<RunConfigInput, 'model' | 'name'> = {}): RunConfig {
  return runConfigSchema.parse({ ...RUN_PRESETS[id].settings, ...base });
}

/** The preset a config equals (model and name aside), or null for custom settings. */
export function matchingPreset(config: RunConfig): RunPresetId | null {
  const key = (c: RunConfig) => JSON.stringify({ ...c, model: '', name: '' });
  return RUN_PRESET_IDS.find((id) => key(presetConfig(id, { model: config.model, name: config.name })) === key(config)) ?? null;
}
