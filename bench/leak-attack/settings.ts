// The leak-attack benchmark's settings: flags with their defaults (full run and --smoke) in one place.
import type { Flags } from '../lib/flags.js';
import type { FlagSpec } from '../lib/report.js';
import { ATTACK_NAMES, type AttackName } from './attacks.js';
import { PUBLIC_TEXTS, type PublicText } from './texts.js';

export interface LeakSettings {
  model: string;
  seed: number;
  /** null = every cut 1 … L−1 of the model. */
  cuts: number[] | null;
  attacks: AttackName[];
  samples: number;
  maxSeqLen: number;
  publicText: PublicText;
  publicWindows: number;
  inversion: { hidden: number; steps: number; batch: number; negatives: number; lr: number };
  greedy: { rows: number; shortlist: number; maxCandidates: number };
  lora: { steps: number; lrs: number[]; batch: number };
  noise: number[];
  backend: string;
  summary: string | null;
}

export const LEAK_FLAGS: FlagSpec[] = [
  { name: 'model', value: 'M', help: 'a preset (random weights from --seed) or hf:<folder> (default tiny)' },
  { name: 'cuts', value: 'LIST', help: 'cut depths to attack (default every cut 1…L−1)' },
  { name: 'attacks', value: 'LIST', help: `attacks (default ${ATTACK_NAMES.join(',')})` },
  { name: 'samples', value: 'N', help: 'volunteer examples: E2E test set, distinct meaning representations (default 32)' },
  { name: 'seq', value: 'T', help: 'max sequence length (default 128)' },
  { name: 'public', value: 'NAME', help: `public text the attacker trains on: ${PUBLIC_TEXTS.join(' or ')} (default shakespeare)` },
  { name: 'public-windows', value: 'N', help: 'windows of --seq tokens of public text for the inversion model (default 256)' },
  { name: 'inversion-steps', value: 'N', help: 'training steps of the inversion model per cut (default 150)' },
  { name: 'inversion-hidden', value: 'N', help: 'hidden width of the inversion MLP (default 256)' },
  { name: 'greedy-rows', value: 'N', help: 'volunteer examples decoded by the greedy attack (default 4)' },
  { name: 'shortlist', value: 'K', help: 'greedy candidates per position, the best guesses of the table and the inversion model; 0 = whole vocabulary (default 256)' },
  { name: 'lora-steps', value: 'N', help: 'split steps the volunteer trains its adapter before the "trained" attacks; 0 skips them (default 50)' },
  { name: 'lr', value: 'LIST', help: 'volunteer\'s learning rates, constant, one trained adapter each (default 2e-4,1e-2: the run default, and one that moves a random-weight model)' },
  { name: 'batch', value: 'B', help: 'volunteer\'s batch size while training (default 4)' },
  { name: 'noise', value: 'LIST', help: 'noise multipliers σ of the activation noise (clip to the median block norm C, N(0, σ²C²) per element; default 0.01,0.03,0.1,1; "none" skips)' },
  { name: 'seed', value: 'S', help: 'seed of weights, examples, training and the attacker (default 0)' },
  { name: 'backend', value: 'NAME', help: 'Node tfjs backend (default wasm)' },
  { name: 'summary', value: 'PATH', help: 'where the per-cut figures go (default docs/leakage/<model>.json; smoke: artifacts/bench/)' },
];

function numberList(flags: Flags, name: string, fallback: number[], { min = 0, integer = false } = {}): number[] {
  if (flags.has(name) && flags.string(name, '') === 'none') return [];
  return flags.list(name, fallback.map(String)).map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${name} must list ${integer ? 'integers' : 'numbers'} ≥ ${min}, found "${s}"`);
    return n;
  });
}

export function leakSettings(flags: Flags, smoke: boolean): LeakSettings {
  return {
    model: flags.string('model', 'tiny'),
    seed: flags.number('seed', 0, { min: 0 }),
    cuts: flags.has('cuts') ? numberList(flags, 'cuts', [], { min: 1, integer: true }) : smoke ? [1, 2] : null,
    attacks: flags.list('attacks', ATTACK_NAMES, ATTACK_NAMES) as AttackName[],
    samples: flags.number('samples', smoke ? 4 : 32, { min: 1 }),
    maxSeqLen: flags.number('seq', smoke ? 64 : 128, { min: 8 }),
    publicText: flags.list('public', ['shakespeare'], PUBLIC_TEXTS)[0] as PublicText,
    publicWindows: flags.number('public-windows', smoke ? 16 : 256, { min: 1 }),
    inversion: {
      hidden: flags.number('inversion-hidden', smoke ? 64 : 256, { min: 1 }), steps: flags.number('inversion-steps', smoke ? 30 : 150, { min: 1 }),
      batch: smoke ? 128 : 256, negatives: smoke ? 512 : 1024, lr: 1e-2,
    },
    greedy: { rows: flags.number('greedy-rows', smoke ? 1 : 4, { min: 1 }), shortlist: flags.number('shortlist', smoke ? 64 : 256, { min: 0 }), maxCandidates: 8192 },
    lora: { steps: flags.number('lora-steps', smoke ? 2 : 50, { min: 0 }), lrs: numberList(flags, 'lr', smoke ? [1e-2] : [2e-4, 1e-2], { min: 1e-12 }), batch: flags.number('batch', smoke ? 2 : 4, { min: 1 }) },
    noise: numberList(flags, 'noise', smoke ? [1] : [0.01, 0.03, 0.1, 1], { min: 0 }),
    backend: flags.string('backend', 'wasm'),
    summary: flags.has('summary') ? flags.string('summary', '') : null,
  };
}
