// The leak-attack benchmark's readable tables: recovery per cut and adapter (the main result), fp16 vs fp32 wire,
// and activation noise; plus the command line that reproduces a run.
import type { Cell, Table } from '../lib/report.js';
import { epsilonPerRelease } from './activation-noise.js';
import { ATTACK_LABELS, type AttackName } from './attacks.js';
import type { MeasuredRow } from './measured-row.js';
import type { LeakSettings } from './settings.js';

export interface TableContext {
  model: string;
  weights: 'random' | 'pretrained';
  chance: number;
  constantGuess: number;
  settings: LeakSettings;
  adapterNorms: { cut: number; lr: number; normB: number }[];
  clipNorms: { cut: number; clipNorm: number }[];
  summary: string;
}

function formatEpsilon(epsilon: number): string {
  return epsilon >= 1000 ? epsilon.toExponential(1) : epsilon >= 10 ? epsilon.toFixed(0) : epsilon.toFixed(1);
}

/** A rate as a percentage; small non-zero rates (chance) keep two significant digits. */
function pct(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return x > 0 && x < 0.001 ? `${(x * 100).toPrecision(2)} %` : `${(x * 100).toFixed(1)} %`;
}

function find(rows: readonly MeasuredRow[], where: Partial<MeasuredRow>): MeasuredRow | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k as keyof MeasuredRow] === v));
}

export function commandLine(s: LeakSettings): string {
  const parts = [
    `--model ${s.model}`, s.cuts === null ? '' : `--cuts ${s.cuts.join(',')}`, `--attacks ${s.attacks.join(',')}`, `--samples ${s.samples}`, `--seq ${s.maxSeqLen}`,
    `--public ${s.publicText}`, `--public-windows ${s.publicWindows}`, `--inversion-steps ${s.inversion.steps}`, `--inversion-hidden ${s.inversion.hidden}`,
    `--greedy-rows ${s.greedy.rows}`, `--shortlist ${s.greedy.shortlist}`, `--lora-steps ${s.lora.steps}`, `--lr ${s.lora.lrs.join(',')}`, `--batch ${s.lora.batch}`,
    `--noise ${s.noise.length > 0 ? s.noise.join(',') : 'none'}`, `--seed ${s.seed}`, `--backend ${s.backend}`,
  ];
  return `pnpm bench leak-attack ${parts.filter((p) => p.length > 0).join(' ')}`;
}

export function leakTables(rows: readonly MeasuredRow[], c: TableContext): Table[] {
  const s = c.settings;
  const cuts = [...new Set(rows.map((r) => r.cut))];
  const attacks = [...new Set(rows.map((r) => r.attack))] as AttackName[];
  const adapters = [...new Set(rows.map((r) => r.lr))];
  const positions = (attack: string) => find(rows, { attack, wire: 'float16', noise: 0 })?.positions ?? 0;
  const main: Cell[][] = cuts.flatMap((cut) => adapters.map((lr) => [
    cut, lr === null ? 'initial (B = 0)' : `trained ${s.lora.steps} steps, lr ${lr}`,
    ...attacks.flatMap((attack) => {
      const r = find(rows, { cut, lr, attack, wire: 'float16', noise: 0 });
      return [pct(r?.exact), attack === 'greedy' ? `${pct(r?.top5)} (${pct(r?.searchedRecall)})` : pct(r?.top5)];
    }),
  ]));
  const tables: Table[] = [{
    title: `Tokens recovered from the cut activations — ${c.model} (${c.weights} weights), fp16 wire, no noise`,
    columns: ['cut', 'client adapter', ...attacks.flatMap((a) => (a === 'greedy' ? [`${a} exact`, `${a} top-5 (truth in shortlist)`] : [`${a} exact`, `${a} top-5`]))],
    rows: main,
    notes: [
      ...attacks.map((a) => `${a}: ${ATTACK_LABELS[a]}; ${positions(a)} token positions per row of this table.`),
      `Chance is ${pct(c.chance)} (1 / vocabulary); always guessing the most frequent token of the public text scores ${pct(c.constantGuess)}.`,
      `Volunteer: ${s.samples} E2E test examples (distinct meaning representations), up to ${s.maxSeqLen} tokens; every input position is attacked${attacks.includes('greedy') ? ` (greedy: the first ${s.greedy.rows} examples, ${s.greedy.shortlist > 0 ? `candidates per position: ${s.greedy.shortlist} tokens, the best guesses of ${attacks.includes('inversion') ? 'the table and the inversion model in turn' : 'the table'}` : 'every vocabulary token as candidate'})` : ''}.`,
      `Attacker: the base weights of the client blocks (never the volunteer's adapter)${attacks.includes('inversion') ? `; inversion MLP (hidden ${s.inversion.hidden}) trained ${s.inversion.steps} steps on ${s.publicWindows} × ${s.maxSeqLen} tokens of ${s.publicText} through them and the fp16 wire` : ''}.`,
      s.lora.steps > 0 ? `Trained: the volunteer's LocalTrainer ran ${s.lora.steps} split steps against the ServerSplit (batch ${s.lora.batch}, constant lr, LoRA r=4 α=32 on q,v, fp16 wire) on its own examples, from B = 0; ‖B‖ after training per cut and lr: ${c.adapterNorms.map((n) => `${n.cut}/${n.lr}: ${n.normB}`).join(', ')}.` : 'No LoRA training (--lora-steps 0).',
      `Per-cut figures for the dashboard and consent screen: ${c.summary}`,
    ],
  }];
  const wire: Cell[][] = cuts.flatMap((cut) => attacks.map((attack) => [cut, attack,
    pct(find(rows, { cut, attack, adapter: 'initial', wire: 'float32', noise: 0 })?.exact), pct(find(rows, { cut, attack, adapter: 'initial', wire: 'float16', noise: 0 })?.exact)]));
  if (rows.some((r) => r.wire === 'float32')) {
    tables.push({ title: 'fp32 vs fp16 wire (initial adapter, no noise): exact recovery', columns: ['cut', 'attack', 'fp32 wire', 'fp16 wire'], rows: wire,
      notes: ['The inversion model was trained on fp16-rounded activations in both columns.'] });
  }
  const sigmas = [...new Set(rows.map((r) => r.noise))].sort((a, b) => a - b);
  if (sigmas.length > 1) {
    tables.push({
      title: 'Activation noise (initial adapter, fp16 wire): exact recovery',
      columns: ['cut', 'σ', 'ε per release (δ = 1e-5)', ...attacks],
      rows: cuts.flatMap((cut) => sigmas.map((noise) => [cut, noise, noise === 0 ? '∞' : formatEpsilon(epsilonPerRelease(noise)),
        ...attacks.map((attack) => pct(find(rows, { cut, attack, adapter: 'initial', wire: 'float16', noise })?.exact))])),
      notes: [
        'The project\'s activation noise (core noiseActivations): each example\'s T×E block clipped to L2 norm C, then N(0, σ²C²) added per element before encoding; ε from core activationPrivacy for one release of an example (it grows with every epoch the example is sent again).',
        `C is the median block norm of the volunteer's batch at that cut (about half the examples clipped): ${c.clipNorms.map((n) => `cut ${n.cut}: ${n.clipNorm}`).join(', ')}. The attacker is not retrained for the noise.`,
      ],
    });
  }
  return tables;
}
