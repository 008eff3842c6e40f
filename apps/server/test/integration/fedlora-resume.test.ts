// A fedlora run's folder: each round keeps the whole model's adapter as client-adapter/ (no server adapter, no server
// optimizer), and --resume continues from it with that adapter as the global one; a missing adapter is refused,
// naming the file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterLayout, gpt2Config, type NamedHostTensors, SplitPlan } from '@splitlora/core';
import { type RoundRecord, runConfigSchema } from '@splitlora/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun, resumeRun } from '../../src/run/run-factory.js';
import { RunStore } from '../../src/run/run-store.js';
import { runFactoryDeps, testRunConfig } from '../support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'splitlora-fedlora-resume-'));
const deps = runFactoryDeps(root);
const config = runConfigSchema.parse(testRunConfig({ method: 'fedlora', evalData: null }));
const plan = SplitPlan.create(gpt2Config('tiny'), { mode: 'whole' }, config.lora, 'tiny');
const roundRecord: RoundRecord = {
  kind: 'round', runId: 'r', round: 1, trainLoss: 3, evalLoss: null, evalPerplexity: null, tokens: 20, bytesUp: 1, bytesDown: 1, clients: 1,
  participants: ['v1'], seconds: 1, tokensPerSecond: 20, endedAt: 2,
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fedlora run folder', () => {
  it('saves the whole-model adapter each round and resumes from it', async () => {
    const run = await createRun(config, deps);
    const dir = run.runDir;
    const initial = run.globalClient;
    await run.dispose();
    expect(Object.keys(initial).sort()).toEqual(Object.keys(adapterLayout(plan.config, config.lora, 0, plan.config.n_layer)).sort());
    expect(existsSync(join(dir, 'rounds', '0000', 'client-adapter', 'adapter_model.safetensors'))).toBe(true);
    expect(existsSync(join(dir, 'rounds', '0000', 'server-adapter'))).toBe(false);

    // Round 1 as the round closer saves it: a trained whole-model adapter, the (empty) server adapter and the SFL-V2
    // policy's optimizer state of that empty adapter.
    const trained: NamedHostTensors = Object.fromEntries(Object.entries(initial).map(([n, t]) => [n, { shape: t.shape, data: t.data.map((x, i) => x + 0.01 * Math.sin(i + n.length)) }]));
    const store = new RunStore(dir);
    await store.saveRoundFiles(1, plan, trained, {}, { steps: 3, m: {}, v: {} });
    store.appendMetric(roundRecord);
    await store.markCompleted(1);
    const resumed = await resumeRun(dir, deps);
    expect(resumed.machine.completedRounds).toBe(1);
    expect(existsSync(join(dir, 'rounds', '0001', 'server-optimizer.safetensors'))).toBe(false);
    let worst = 0;
    for (const [name, t] of Object.entries(trained)) t.data.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - resumed.globalClient[name]!.data[i]!))));
    expect(worst).toBe(0);
    await resumed.dispose();

    rmSync(join(dir, 'rounds', '0001', 'client-adapter', 'adapter_model.safetensors'));
    await expect(resumeRun(dir, deps)).rejects.toThrow(/0001\/client-adapter\/adapter_model\.safetensors: missing/);
  }, 120_000);
});
