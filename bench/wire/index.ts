// `pnpm bench wire`: bytes on the wire per trained token of real runs (server + Node fleet in this process), broken
// down by what they carry, against the SplitLoRA reference encoding of the same batches.
import { gpt2Config, type Gpt2PresetName } from '@splitlora/core';
import type { Flags } from '../lib/flags.js';
import { type BenchOptions, type BenchReport, type Cell, defineBenchmark } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { CATEGORIES, type Category, STEP_CATEGORIES } from './categories.js';
import { REFERENCE_SEQ_LEN, referenceStepBytes } from './reference.js';
import { RAISED_RATE_LIMIT, wireRun, type WireRunResult, type WireRunSpec } from './wire-run.js';

export const wireBenchmark = defineBenchmark('wire', [
  { name: 'runs', value: 'LIST', help: 'model:wire pairs (default tiny:fp16,tiny:fp32,gpt2:fp16)' },
  { name: 'clients', value: 'N', help: 'volunteers (default 3 on tiny, 2 on larger models)' },
  { name: 'rounds', value: 'N', help: 'rounds (default 2 on tiny, 1 on larger models)' },
  { name: 'local-steps', value: 'N', help: 'local steps per round (default 5 on tiny, 2 on larger models)' },
  { name: 'batch', value: 'B', help: 'batch size (default 8 on tiny, 1 on larger models)' },
  { name: 'seq', value: 'T', help: 'max sequence length (default 128)' },
  { name: 'cut', value: 'K', help: 'cut layer (default 3)' },
], runWireBench);

function parseRuns(flags: Flags, smoke: boolean): { model: Gpt2PresetName; wire: 'fp16' | 'fp32' }[] {
  return flags.list('runs', smoke ? ['tiny:fp16'] : ['tiny:fp16', 'tiny:fp32', 'gpt2:fp16']).map((item) => {
    const [model, wire] = item.split(':');
    if (model === undefined || (wire !== 'fp16' && wire !== 'fp32')) throw new Error(`--runs items must look like tiny:fp16 (model:fp16|fp32), found "${item}"`);
    gpt2Config(model as Gpt2PresetName);
    return { model: model as Gpt2PresetName, wire };
  });
}

interface Summary {
  run: string;
  spec: WireRunSpec;
  state: string;
  seconds: number;
  steps: number;
  trainedTokens: number;
  meanTokensPerStep: number;
  meanSeqLen: number;
  bytes: { up: Partial<Record<Category, number>>; down: Partial<Record<Category, number>> };
  bytesPerToken: Record<Category | 'per-step traffic' | 'all traffic' | 'all but model download', number>;
  reference: { bytesPerToken: number; hidden: number; presents: number; labels: number; gradients: number };
  oursOverReference: { perStep: number; allButDownload: number; all: number };
  check: { meterUp: number; meterDown: number; registryUp: number; registryDown: number; expectedStepBinary: number; measuredStepBinary: number; stepTokensMetered: number };
  assets: { weightsBytes: number; tokenizerBytes: number };
  detail: Record<string, number>;
}

function summarize(r: WireRunResult): Summary {
  const config = gpt2Config(r.spec.model);
  const { up, down } = r.meter.bytes;
  const both = (c: Category) => (up[c] ?? 0) + (down[c] ?? 0);
  const tokens = Math.max(1, r.tokens);
  const perToken = Object.fromEntries(CATEGORIES.map((c) => [c, round(both(c) / tokens, 2)])) as Record<Category, number>;
  const stepBytes = STEP_CATEGORIES.reduce((s, c) => s + both(c), 0);
  const all = r.meter.total('up') + r.meter.total('down');
  const download = both('model download');
  const ref = r.steps.map((s) => referenceStepBytes(config, r.spec.cut, s.batch)).reduce(
    (acc, b) => ({ hidden: acc.hidden + b.hidden, presents: acc.presents + b.presents, labels: acc.labels + b.labels, gradients: acc.gradients + b.gradients, total: acc.total + b.total }),
    { hidden: 0, presents: 0, labels: 0, gradients: 0, total: 0 },
  );
  const wireBytes = r.spec.wire === 'fp16' ? 2 : 4;
  // Expected binary per step: activations + gradient (B×T×E at wire precision), uint16 targets, uint8 mask.
  const expected = r.steps.reduce((s, st) => s + 2 * st.batch * st.seqLen * st.embd * wireBytes + st.batch * st.seqLen * 3, 0);
  const measuredBinary = (up.activations ?? 0) + (up.labels ?? 0) + (down.gradients ?? 0);
  const stepTokens = r.steps.reduce((s, st) => s + st.tokens, 0);
  return {
    run: `${r.spec.model}:${r.spec.wire}`, spec: r.spec, state: r.state, seconds: round(r.seconds, 1), steps: r.steps.length, trainedTokens: r.tokens,
    meanTokensPerStep: round(stepTokens / Math.max(1, r.steps.length), 1),
    meanSeqLen: round(r.steps.reduce((s, st) => s + st.seqLen, 0) / Math.max(1, r.steps.length), 1),
    bytes: { up, down },
    bytesPerToken: { ...perToken, 'per-step traffic': round(stepBytes / tokens, 2), 'all but model download': round((all - download) / tokens, 2), 'all traffic': round(all / tokens, 2) },
    reference: {
      bytesPerToken: round(ref.total / tokens, 2), hidden: round(ref.hidden / tokens, 2), presents: round(ref.presents / tokens, 2),
      labels: round(ref.labels / tokens, 2), gradients: round(ref.gradients / tokens, 2),
    },
    oursOverReference: { perStep: round(stepBytes / ref.total, 4), allButDownload: round((all - download) / ref.total, 4), all: round(all / ref.total, 4) },
    check: {
      meterUp: r.meter.total('up'), meterDown: r.meter.total('down'), registryUp: r.registryUp, registryDown: r.registryDown,
      expectedStepBinary: expected, measuredStepBinary: measuredBinary, stepTokensMetered: stepTokens,
    },
    assets: { weightsBytes: r.weightsAssetBytes, tokenizerBytes: r.tokenizerAssetBytes },
    detail: r.meter.detail,
  };
}

async function runWireBench({ smoke, flags, log }: BenchOptions): Promise<BenchReport> {
  const summaries: Summary[] = [];
  const failures: { run: string; reason: string }[] = [];
  for (const { model, wire } of parseRuns(flags, smoke)) {
    const small = model === 'tiny';
    const spec: WireRunSpec = {
      model, wire, cut: flags.number('cut', 3, { min: 1 }),
      clients: flags.number('clients', smoke ? 2 : small ? 3 : 2, { min: 1 }),
      rounds: flags.number('rounds', smoke ? 1 : small ? 2 : 1, { min: 1 }),
      localSteps: flags.number('local-steps', smoke ? 2 : small ? 5 : 2, { min: 1 }),
      // gpt2 on the wasm server: a fused step of more than ~384 tokens outgrows the 4 GB wasm heap (see server bench).
      batch: flags.number('batch', smoke ? 4 : small ? 8 : 1, { min: 1 }),
      maxSeqLen: flags.number('seq', smoke ? 64 : 128, { min: 8 }),
    };
    log(`${model}:${wire}: ${spec.clients} volunteers × ${spec.rounds} rounds × ${spec.localSteps} steps, batch ${spec.batch}, max length ${spec.maxSeqLen}…`);
    let s: Summary;
    try {
      s = summarize(await wireRun(spec, log));
    } catch (error) {
      log(`  failed: ${(error as Error).message}`);
      failures.push({ run: `${model}:${wire}`, reason: (error as Error).message.slice(0, 300) });
      continue;
    }
    log(`  ${s.trainedTokens} trained tokens in ${s.steps} steps; ours ${s.bytesPerToken['per-step traffic']} B/token per step vs reference ${s.reference.bytesPerToken} (ours/reference ${s.oursOverReference.perStep})`);
    summaries.push(s);
  }
  const rowFor = (label: string, value: (s: Summary) => number | string): Cell[] => [label, ...summaries.map(value)];
  const perTokenRows: Cell[][] = [
    ...CATEGORIES.map((c) => rowFor(c, (s) => s.bytesPerToken[c])),
    rowFor('ours: per-step traffic (activations + labels + gradients + envelopes)', (s) => s.bytesPerToken['per-step traffic']),
    rowFor('ours: all but the model download', (s) => s.bytesPerToken['all but model download']),
    rowFor('ours: all traffic (this run\'s model download included)', (s) => s.bytesPerToken['all traffic']),
    rowFor(`reference: hidden fp32 ×${REFERENCE_SEQ_LEN}`, (s) => s.reference.hidden),
    rowFor('reference: presents (k, v of the client blocks)', (s) => s.reference.presents),
    rowFor('reference: labels int64', (s) => s.reference.labels),
    rowFor('reference: gradients fp32', (s) => s.reference.gradients),
    rowFor('reference: total', (s) => s.reference.bytesPerToken),
    rowFor('ours / reference (per-step traffic)', (s) => s.oursOverReference.perStep),
    rowFor('ours / reference (all but model download)', (s) => s.oursOverReference.allButDownload),
    rowFor('ours / reference (all traffic)', (s) => s.oursOverReference.all),
  ];
  const runRows: Cell[][] = summaries.map((s) => [
    s.run, `${s.spec.clients}×${s.spec.rounds}×${s.spec.localSteps}`, s.spec.batch, s.steps, s.trainedTokens, s.meanTokensPerStep, s.meanSeqLen,
    round((s.check.meterUp + s.check.meterDown) / 1e6, 3), round((s.check.registryUp + s.check.registryDown) / 1e6, 3),
    `${s.check.measuredStepBinary} / ${s.check.expectedStepBinary}`, round(s.assets.weightsBytes / 1e6, 2), s.state,
  ]);
  return {
    name: 'wire',
    tables: [
      {
        title: 'Bytes per trained token, by what they carry (both directions)',
        columns: ['', ...summaries.map((s) => s.run)], rows: perTokenRows,
        notes: [
          'trained token = a position whose target counts (loss mask 1): E2E completions, not the prompt or padding.',
          `reference = SplitLoRA's encoding of the same steps: hidden states padded to ${REFERENCE_SEQ_LEN} tokens (fp32), the client blocks' unused key/value presents (2 × B × n_head × ${REFERENCE_SEQ_LEN} × head_size fp32 per block), int64 labels (B × ${REFERENCE_SEQ_LEN}), fp32 gradients back.`,
          'ours: activations and gradients at the run\'s wire precision, dynamically padded to a multiple of 8; targets uint16 + loss mask uint8; adapters fp32 both ways once per round; the model download happens once per volunteer and is amortized only over this short run.',
        ],
      },
      {
        title: 'Runs behind the figures',
        columns: ['run', 'clients×rounds×steps', 'batch', 'steps', 'trained tokens', 'tokens/step', 'mean T', 'metered MB', 'registry MB', 'step binary: measured / expected', 'client weights MB', 'state'],
        rows: runRows,
        notes: [
          'metered = every engine.io payload of the volunteer namespace, attributed by PacketMeter; registry = the server\'s own totalUp + totalDown (same payloads).',
          `the server's per-client message rate limit is raised to ${RAISED_RATE_LIMIT.perSecond}/s (burst ${RAISED_RATE_LIMIT.burst}): at its default (50/s) a volunteer pulling gpt2's 243 MB of weights at localhost speed is told RATE_LIMITED and backs off, which would add retry messages to the count.`,
          ...failures.map((f) => `${f.run} failed: ${f.reason}`),
        ],
      },
    ],
    json: { runs: summaries, failures },
  };
}
