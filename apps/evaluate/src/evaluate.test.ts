// Integration test of `pnpm evaluate` on a small random GPT-2 saved as a Hugging Face folder and a random PEFT
// adapter naming it as its base: the last stdout line is the JSON summary with finite metrics in range; a base
// that resolves nowhere fails with a clear message.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adapterLayout, createRng, exportPeftAdapter, gpt2Config, initGpt2Params, type NamedHostTensors, normalSamples, PAPER_LORA, saveHfGpt2,
} from '@splitlora/core';
import { writeFiles } from '@splitlora/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildResult, runChild } from '../../../tools/run-child.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const config = gpt2Config('tiny', { n_embd: 32, n_layer: 2, n_head: 2, n_positions: 128 });

/** Runs the CLI (tools/run-child.ts: without blocking the test worker). */
function runCli(args: string[]): Promise<ChildResult> {
  return runChild(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'apps/evaluate/src/cli.ts'), ...args], { cwd: ROOT, timeoutMs: 300_000 });
}

describe('pnpm evaluate', () => {
  let dir: string;
  let adapterDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'splitlora-evaluate-'));
    const baseDir = join(dir, 'base');
    await writeFiles(baseDir, saveHfGpt2(config, initGpt2Params(config, 3)));
    const rng = createRng(9);
    const adapter: NamedHostTensors = {};
    for (const [name, shape] of Object.entries(adapterLayout(config, PAPER_LORA, 0, config.n_layer))) {
      adapter[name] = { shape, data: normalSamples(rng, shape.reduce((a, b) => a * b, 1), 0.2) };
    }
    adapterDir = join(dir, 'adapter');
    await writeFiles(adapterDir, { ...exportPeftAdapter(config, PAPER_LORA, adapter, { baseModel: '../base' }) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes a few MRs and prints the metrics as JSON on the last line', async () => {
    const out = join(dir, 'eval.json');
    const { status, stdout, stderr } = await runCli(['--adapter', adapterDir, '--samples', '3', '--beam', '3', '--max-new-tokens', '12', '--json', '--out', out]);
    expect(status, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    for (const key of ['bleu', 'nist', 'meteor', 'rougeL', 'cider', 'perplexity']) expect(Number.isFinite(summary[key]), key).toBe(true);
    const m = summary as Record<string, number>;
    for (const key of ['bleu', 'meteor', 'rougeL']) {
      expect(m[key]).toBeGreaterThanOrEqual(0);
      expect(m[key]).toBeLessThanOrEqual(1);
    }
    expect(m.nist).toBeGreaterThanOrEqual(0);
    expect(m.cider).toBeGreaterThanOrEqual(0);
    expect(m.cider).toBeLessThanOrEqual(10);
    expect(m.perplexity).toBeGreaterThan(1);
    expect(summary).toMatchObject({ samples: 3, beam: 3, lengthPenalty: 0.8, noRepeatNgram: 4, baseWeights: 'checkpoint' });
    expect(summary['base']).toBe(join(dir, 'base'));
    const stored = JSON.parse(readFileSync(out, 'utf8')) as { outputs: { mr: string; hyp: string; refs: string[] }[] };
    expect(stored.outputs).toHaveLength(3);
    expect(stored.outputs.every((o) => o.refs.length > 0 && typeof o.hyp === 'string')).toBe(true);
  });

  it('says which base could not be found', async () => {
    const lost = join(dir, 'lost-adapter');
    const adapter: NamedHostTensors = {};
    for (const [name, shape] of Object.entries(adapterLayout(config, PAPER_LORA, 0, config.n_layer))) adapter[name] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
    await writeFiles(lost, { ...exportPeftAdapter(config, PAPER_LORA, adapter, { baseModel: 'no-such-model' }) });
    const { status, stderr } = await runCli(['--adapter', lost, '--samples', '1', '--json']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/base_model_name_or_path .* is "no-such-model": neither a local Hugging Face folder/);
    expect(existsSync(join(lost, 'e2e-evaluation.json'))).toBe(false);
  });
});
