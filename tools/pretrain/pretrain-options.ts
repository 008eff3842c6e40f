// Command-line options of `pnpm pretrain` (full-parameter, centralized pretraining of a preset on a text file).
import { parseArgs } from 'node:util';
import { isGpt2PresetName } from '@splitlora/core';

export interface PretrainOptions {
  /** Architecture preset (random init from `seed`). */
  preset: string;
  /** The text file, relative to the data folder unless absolute. */
  text: string;
  dataDir: string | undefined;
  out: string;
  workDir: string;
  name: string;
  seed: number;
  steps: number;
  batch: number;
  seq: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  /** Weight decay on wte and wpe too (nanoGPT does); off keeps it on the block matrices only. */
  decayEmbeddings: boolean;
  beta2: number;
  maxGradNorm: number;
  /** Tie the rows of tokens absent from the training text into one shared row during training (tied-vocabulary.ts). */
  tieUnseen: boolean;
  trainFraction: number;
  evalEvery: number;
  /** Held-out windows scored at each periodic evaluation (all of them at the end). */
  evalWindows: number;
  /** Held-out windows of the fixed slice whose loss the model card states and a test recomputes. */
  sliceWindows: number;
  checkpointEvery: number;
  logEvery: number;
  resume: boolean;
}

export const PRETRAIN_HELP = `pnpm pretrain: trains a GPT-2 preset from random weights on a text file (full parameters, AdamW, cosine
schedule, wasm backend) and writes a Hugging Face checkpoint (fp16 model.safetensors, config.json) and a model card.

  pnpm pretrain -- [options]

  --preset P          architecture (default tiny)        --text F          text file in the data folder (default tinyshakespeare/input.txt)
  --steps N           optimizer steps (default 2000)     --batch B         windows per step (default 16)
  --seq T             window length (default 128)        --lr X            peak learning rate (default 3e-3)
  --warmup W          linear warm-up steps (default 100) --weight-decay X  AdamW decay of matrices (default 0.1)
  --no-embedding-decay  keep weight decay off wte/wpe    --beta2 X         AdamW β₂ (default 0.99)
  --max-grad-norm X   clipping, 0 = off (default 1)      --seed S          init and batch seed (default 1234)
  --train-fraction F  text before the held-out tail (default 0.9)
  --no-tie-unseen     train every one of the 50,257 embedding rows on its own (exact, ~4× slower on Shakespeare);
                      by default the rows of tokens absent from the training text share one row while training
  --eval-every N      held-out evaluation period (default 100)   --eval-windows N  windows per periodic evaluation (default 32)
  --slice-windows N   fixed held-out slice for the model card test (default 16)
  --checkpoint-every N  resumable state period (default 50)  --log-every N  progress line period (default 10)
  --out D             checkpoint folder (default models-embedded/tiny-shakespeare)
  --work-dir D        resumable state and log (default .pretrain/<name>)   --name NAME  model name (default tiny-shakespeare)
  --resume            continue from the state in the work folder
  --data-dir D        data folder (default $SPLITLORA_DATA_DIR, ../shared/data, or downloaded)
`;

export function parsePretrainOptions(argv: string[]): PretrainOptions | null {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv, strict: true,
    options: {
      preset: { type: 'string' }, text: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, 'work-dir': { type: 'string' },
      name: { type: 'string' }, seed: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, seq: { type: 'string' },
      lr: { type: 'string' }, warmup: { type: 'string' }, 'weight-decay': { type: 'string' }, 'no-embedding-decay': { type: 'boolean' }, 'no-tie-unseen': { type: 'boolean' },
      beta2: { type: 'string' }, 'max-grad-norm': { type: 'string' }, 'train-fraction': { type: 'string' }, 'eval-every': { type: 'string' },
      'eval-windows': { type: 'string' }, 'slice-windows': { type: 'string' }, 'checkpoint-every': { type: 'string' },
      'log-every': { type: 'string' }, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const num = (v: string | undefined, fallback: number, flag: string, integer = false): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`--${flag} must be a non-negative ${integer ? 'integer' : 'number'}, found "${v}"`);
    return n;
  };
  const preset = values.preset ?? 'tiny';
  if (!isGpt2PresetName(preset)) throw new Error(`--preset "${preset}" is not a GPT-2 preset`);
  const name = values.name ?? 'tiny-shakespeare';
  if (!/^[\w.-]+$/.test(name)) throw new Error(`--name may only hold letters, digits, "-", "_" and ".", found "${name}"`);
  const options: PretrainOptions = {
    preset, text: values.text ?? 'tinyshakespeare/input.txt', dataDir: values['data-dir'], name,
    out: values.out ?? `models-embedded/${name}`, workDir: values['work-dir'] ?? `.pretrain/${name}`,
    seed: num(values.seed, 1234, 'seed', true), steps: num(values.steps, 2000, 'steps', true), batch: num(values.batch, 16, 'batch', true),
    seq: num(values.seq, 128, 'seq', true), lr: num(values.lr, 3e-3, 'lr'), warmup: num(values.warmup, 100, 'warmup', true),
    weightDecay: num(values['weight-decay'], 0.1, 'weight-decay'), decayEmbeddings: !(values['no-embedding-decay'] ?? false),
    beta2: num(values.beta2, 0.99, 'beta2'), maxGradNorm: num(values['max-grad-norm'], 1, 'max-grad-norm'), tieUnseen: !(values['no-tie-unseen'] ?? false),
    trainFraction: num(values['train-fraction'], 0.9, 'train-fraction'), evalEvery: num(values['eval-every'], 100, 'eval-every', true),
    evalWindows: num(values['eval-windows'], 32, 'eval-windows', true), sliceWindows: num(values['slice-windows'], 16, 'slice-windows', true),
    checkpointEvery: num(values['checkpoint-every'], 50, 'checkpoint-every', true), logEvery: num(values['log-every'], 10, 'log-every', true),
    resume: values.resume ?? false,
  };
  for (const key of ['steps', 'batch', 'seq', 'evalEvery', 'evalWindows', 'sliceWindows', 'checkpointEvery', 'logEvery'] as const) {
    if (options[key] < 1) throw new Error(`--${key} must be at least 1`);
  }
  if (options.beta2 >= 1) throw new Error(`--beta2 must be below 1, found ${options.beta2}`);
  return options;
}

/** The options as the command line that reproduces the weights and the card (every value spelled out, so defaults may change safely). */
export function reproduceCommand(o: PretrainOptions): string {
  const flags = [
    `--preset ${o.preset}`, `--text ${o.text}`, `--name ${o.name}`, `--seed ${o.seed}`, `--steps ${o.steps}`, `--batch ${o.batch}`, `--seq ${o.seq}`,
    `--lr ${o.lr}`, `--warmup ${o.warmup}`, `--weight-decay ${o.weightDecay}`, ...(o.decayEmbeddings ? [] : ['--no-embedding-decay']),
    `--beta2 ${o.beta2}`, `--max-grad-norm ${o.maxGradNorm}`, ...(o.tieUnseen ? [] : ['--no-tie-unseen']), `--train-fraction ${o.trainFraction}`, `--slice-windows ${o.sliceWindows}`,
    `--eval-every ${o.evalEvery}`, `--eval-windows ${o.evalWindows}`, `--log-every ${o.logEvery}`, `--checkpoint-every ${o.checkpointEvery}`,
  ];
  return `pnpm pretrain -- ${flags.join(' ')}`;
}
