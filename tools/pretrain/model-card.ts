// The model card (README.md) of a pretrained checkpoint: Hugging Face metadata with the held-out losses, then the
// data, tokenizer, architecture, optimisation, loss curve, wall time, machine and the command that reproduces it.
import type { Gpt2Config } from '@splitlora/core';
import type { PretrainOptions } from './pretrain-options.js';
import { reproduceCommand } from './pretrain-options.js';
import type { Progress } from './work-state.js';

/** What the card's `pretraining` metadata holds; the checkpoint's test recomputes `sliceLoss` from it. */
export interface PretrainingRecord {
  text: string;
  trainFraction: number;
  seq: number;
  sliceWindows: number;
  /** Mean loss over the first `sliceWindows` held-out windows, with the fp16 weights as saved. */
  sliceLoss: number;
  heldOutLoss: number;
  heldOutTokens: number;
}

export interface CardFacts {
  name: string;
  config: Gpt2Config;
  parameters: number;
  options: PretrainOptions;
  progress: Progress;
  record: PretrainingRecord;
  trainTokens: number;
  trainChars: number;
  heldOutChars: number;
  machine: string;
  date: string;
  /** Rows trained on their own and tokens tied into the shared row (null: every row trained on its own). */
  tying: { ownRows: number; tiedTokens: number; decay: number } | null;
}

/** Reads the `pretraining:` line of a card's front matter. */
export function readPretrainingRecord(card: string): PretrainingRecord {
  const line = /^pretraining: (\{.*\})$/m.exec(card);
  if (line === null) throw new Error('model card has no `pretraining:` metadata line');
  return JSON.parse(line[1]!) as PretrainingRecord;
}

function tyingText(f: CardFacts): string {
  if (f.tying === null) {
    return `- **Unused tokens**: token ids that never occur in the training text have embeddings that only the softmax's
  normalizer${f.options.decayEmbeddings ? ' and the weight decay' : ''} move.`;
  }
  const t = f.tying;
  const n = (x: number) => x.toLocaleString('en-US');
  return `- **Unused tokens**: ${n(t.tiedTokens)} of the ${n(f.config.vocab_size)} token ids never occur in the training text. Their
  embedding rows move only through the softmax's normalizer, and such rows that start equal stay equal, so training
  ties them into one shared row (starting at 0): the head multiplies by ${n(t.ownRows + 1)} rows instead of ${n(f.config.vocab_size)}
  (${(f.config.vocab_size / (t.ownRows + 1)).toFixed(1)}× less work there). A logit bias of log ${n(t.tiedTokens)} on the shared row keeps the softmax over the
  full vocabulary exact, and its gradient is divided by ${n(t.tiedTokens)} and counted that often in the clipping norm, so it
  trains exactly as each tied row would. In the saved checkpoint each of these tokens has the shared row plus its own
  random initial row × ${t.decay.toFixed(3)} (what the weight decay alone leaves of it), so their input embeddings stay
  distinct. The loss curve's held-out column comes from the training model (tied rows); the results table is
  measured on the saved weights, with every row of the vocabulary.`;
}

function curveTable(progress: Progress): string {
  const rows = progress.curve.filter((p) => p.heldOutLoss !== undefined);
  return ['| step | lr | train loss (mean since previous row) | held-out loss (first windows) |', '|---:|---:|---:|---:|',
    ...rows.map((p, i) => {
      const since = progress.curve.filter((q) => q.step > (rows[i - 1]?.step ?? 0) && q.step <= p.step);
      const train = since.reduce((s, q) => s + q.trainLoss, 0) / since.length;
      return `| ${p.step} | ${p.lr.toExponential(2)} | ${train.toFixed(3)} | ${p.heldOutLoss!.toFixed(3)} |`;
    })].join('\n');
}

export function modelCard(f: CardFacts): string {
  const o = f.options;
  const c = f.config;
  const r = f.record;
  const tokensSeen = o.steps * o.batch * o.seq;
  const meta = [
    '---', 'library_name: transformers', 'pipeline_tag: text-generation', 'tags: [gpt2, splitlora-web, tiny]', 'datasets: [tiny_shakespeare]',
    'model-index:', `- name: ${f.name}`, '  results:', '  - task: {type: text-generation, name: Causal language modelling}',
    `    dataset: {type: tiny_shakespeare, name: tinyshakespeare (held-out last ${Math.round((1 - r.trainFraction) * 100)}%), split: held-out}`,
    '    metrics:', `    - {type: loss, name: held-out loss (nats per token), value: ${r.heldOutLoss.toFixed(4)}}`,
    `pretraining: ${JSON.stringify(r)}`, '---',
  ];
  return `${meta.join('\n')}

# ${f.name}

GPT-2 with the \`${o.preset}\` architecture of SplitLoRA Web (${c.n_layer} blocks, ${c.n_head} heads, n_embd ${c.n_embd},
${c.n_positions} positions, GPT-2's 50,257-token vocabulary; ${(f.parameters / 1e6).toFixed(2)} M parameters with the head tied to
the token embedding), trained from random weights by the project's own TypeScript core (\`pnpm pretrain\`, full-parameter
AdamW, tfjs wasm backend in Node). It is the embedded default model of \`pnpm start\` and \`pnpm demo\`: small enough to
ship in the repository (fp16, ${((f.parameters * 2) / 2 ** 20).toFixed(1)} MiB) and pretrained enough that LoRA fine-tuning on
E2E visibly lowers the loss. At this size and training budget it continues text in a loose Shakespearean style and
knows no facts; do not use it for anything but tests, demos and experiments.

Loads with transformers: \`GPT2LMHeadModel.from_pretrained("<this folder>")\` (tokenizer: GPT-2's, \`GPT2TokenizerFast.from_pretrained("gpt2")\`).

## Data

- **Text**: \`${r.text}\` of the project's data folder — Karpathy's *tinyshakespeare* (${(f.trainChars + f.heldOutChars).toLocaleString('en-US')}
  characters of Shakespeare's plays, public domain).
- **Split**: the first ${(f.trainChars).toLocaleString('en-US')} characters (${Math.round(r.trainFraction * 100)}%, cut at the next blank
  line) for training, ${f.trainTokens.toLocaleString('en-US')} tokens; the rest, ${f.heldOutChars.toLocaleString('en-US')} characters and
  ${r.heldOutTokens.toLocaleString('en-US')} tokens, is held out and never trained on.
- **Tokenizer**: GPT-2's byte-level BPE (\`vocab.json\` + \`merges.txt\`), unchanged; each part is encoded as one
  stream without \`<|endoftext|>\`.
${tyingText(f)}

## Training

| setting | value |
|---|---|
| steps | ${o.steps.toLocaleString('en-US')} |
| batch | ${o.batch} windows × ${o.seq} tokens = ${(o.batch * o.seq).toLocaleString('en-US')} tokens per step, windows drawn uniformly at random (seed ${o.seed}) |
| tokens seen | ${tokensSeen.toLocaleString('en-US')} (${(tokensSeen / f.trainTokens).toFixed(1)} passes over the training tokens) |
| optimizer | AdamW, β = (0.9, ${o.beta2}), ε = 1e-8, weight decay ${o.weightDecay} on ${o.decayEmbeddings ? 'all matrices (blocks, wte, wpe)' : 'the blocks\' matrices (not wte, wpe)'}, none on biases and layer norms |
| learning rate | linear warm-up over ${o.warmup} steps to ${o.lr}, then cosine decay to 0 at step ${o.steps} |
| gradient clipping | global norm ${o.maxGradNorm > 0 ? o.maxGradNorm : 'off'} |
| dropout, label smoothing | none |
| initialisation | Hugging Face GPT-2's (normal 0.02, residual projections scaled by 1/√(2·n_layer)), seed ${o.seed} |
| vocabulary in training | ${f.tying === null ? 'all 50,257 rows trained on their own' : `${f.tying.ownRows.toLocaleString('en-US')} rows of their own + 1 shared row for ${f.tying.tiedTokens.toLocaleString('en-US')} tokens (exact full softmax, see Data)`} |
| precision | fp32 training, weights saved as fp16 |

## Results

| measure | value |
|---|---|
| held-out loss (all ${Math.floor((r.heldOutTokens - 1) / r.seq)} non-overlapping windows of ${r.seq} tokens, fp16 weights) | **${r.heldOutLoss.toFixed(4)}** nats/token (perplexity ${Math.exp(r.heldOutLoss).toFixed(1)}) |
| held-out loss on the fixed slice (first ${r.sliceWindows} windows, ${(r.sliceWindows * r.seq).toLocaleString('en-US')} tokens; checked by a test) | ${r.sliceLoss.toFixed(4)} |
| final training loss (mean of the last ${o.logEvery} steps) | ${f.progress.curve.at(-1)!.trainLoss.toFixed(4)} |
| wall time | ${(f.progress.seconds / 60).toFixed(1)} minutes |

Loss curve (held-out on the first ${o.evalWindows} windows at each row):

${curveTable(f.progress)}

## Reproduce

Trained on ${f.date} on ${f.machine}. From the repository root (the data folder is found as for \`pnpm demo\`;
add \`--resume\` to continue after an interruption, from the state saved in \`${o.workDir}\` every ${o.checkpointEvery} steps):

\`\`\`bash
nice ${reproduceCommand(o)}
\`\`\`

The batches depend only on the seed and the step, and the wasm backend computes in fp32, so a rerun follows the same
curve up to floating-point summation order.
`;
}
