// The dashboard's "Evaluate" per round: the server decodes E2E test MRs with that round's adapters in a background
// thread (the core's beam search and metrics), pushes progress and the scores, stores them beside the round, and
// refuses bad requests with their codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateE2E, groupE2EReferences, importPeftAdapter, loadHfGpt2, namedToTensors, PAPER_DECODING, disposeNamed } from '@splitlora/core';
import { dirSource, loadTokenizer } from '@splitlora/node';
import type { RoundEvaluation } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { adminRequest, DATA_DIR, testRunConfig, useServerWithAdmin } from '../support/harness.js';

const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e: { code?: string }) => e.code ?? String(e));

describe('round:evaluate', () => {
  const ctx = useServerWithAdmin();

  it('evaluates a round in the background with the core’s decoding and metrics, and stores the scores', async () => {
    const admin = ctx.admin();
    const pushes: RoundEvaluation[] = [];
    admin.on('admin:evaluation', (r) => {
      pushes.push(r);
      console.log(`admin:evaluation ${r.state} ${r.done}/${r.samples}${r.error ? `: ${r.error}` : ''}`);
    });
    const created = await adminRequest(admin, 'run:create', testRunConfig({ model: 'tiny-shakespeare', rounds: 1 }));
    const runId = created.runId;

    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId, round: 1, samples: 2 }))).toBe('NOT_FOUND');
    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId, round: 0, samples: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId, round: -1 }))).toBe('BAD_REQUEST');
    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId, round: 0, samples: 2, extra: 1 } as never))).toBe('BAD_REQUEST');
    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId: 'run-other', round: 0 }))).toBe('NO_RUN');

    const done = new Promise<RoundEvaluation>((resolve) => admin.on('admin:evaluation', (r) => r.state !== 'running' && resolve(r)));
    const started = await adminRequest(admin, 'round:evaluate', { runId, round: 0, samples: 2 });
    expect(started).toMatchObject({ runId, round: 0, samples: 2, state: 'running', done: 0, scores: null });
    // One evaluation at a time; the dashboard's other requests are answered meanwhile.
    expect(await codeOf(adminRequest(admin, 'round:evaluate', { runId, round: 0, samples: 2 }))).toBe('RUN_STATE');
    expect((await adminRequest(admin, 'admin:snapshot', {})).run?.runId).toBe(runId);

    const result = await done;
    expect(result.error).toBeNull();
    expect(result.state).toBe('done');
    expect(result.done).toBe(2);
    expect(pushes.some((p) => p.state === 'running' && p.done > 0)).toBe(true); // progress (MRs are decoded 8 at a time)
    const scores = result.scores!;
    console.log(`round 0 on 2 MRs: ${JSON.stringify(scores)} in ${result.seconds} s`);

    // The same numbers as the core's evaluateE2E on the run's base and round-0 adapters, computed here.
    const runDir = ctx.server().host.current!.runDir;
    const { config, params } = await loadHfGpt2(dirSource(join(runDir, 'base-model')));
    const client = await importPeftAdapter(config, dirSource(join(runDir, 'rounds/0000/client-adapter')));
    const server = await importPeftAdapter(config, dirSource(join(runDir, 'rounds/0000/server-adapter')));
    const model = { config, params: namedToTensors(params) };
    const adapter = { config: client.config, tensors: namedToTensors({ ...client.tensors, ...server.tensors }) };
    const tokenizer = await loadTokenizer(join(DATA_DIR, 'gpt2-tokenizer'));
    const items = groupE2EReferences(readFileSync(join(DATA_DIR, 'e2e/testset_w_refs.csv'), 'utf8')).slice(0, 2);
    const expected = await evaluateE2E(model, adapter, tokenizer, items, { decoding: PAPER_DECODING });
    disposeNamed(model.params);
    disposeNamed(adapter.tensors);
    for (const key of ['bleu', 'nist', 'meteor', 'rougeL', 'cider', 'perplexity'] as const) {
      expect(Number.isFinite(scores[key]), key).toBe(true);
      expect(scores[key], key).toBeCloseTo(expected[key], 6);
    }
    expect(scores.perplexity).toBeGreaterThan(1);

    // Stored beside the round, with every output, and listed again.
    const stored = JSON.parse(readFileSync(join(runDir, 'rounds/0000/e2e-evaluation.json'), 'utf8')) as RoundEvaluation & { outputs: { hyp: string }[] };
    expect(stored.outputs.map((o) => o.hyp)).toEqual(expected.outputs.map((o) => o.hyp));
    expect(await adminRequest(admin, 'evaluations:list', { runId })).toEqual([result]);
  }, 900_000);
});
