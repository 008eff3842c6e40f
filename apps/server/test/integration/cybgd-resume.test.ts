// A FedCyBGD run's folder resumes: each round keeps its model (the trained blocks) and its block versions; --resume
// continues with those blocks as the global ones at those versions; a missing versions file is refused, naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NamedHostTensors } from '@splitlora/core';
import { type RoundRecord, runConfigSchema } from '@splitlora/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK_VERSIONS_FILE, saveBlockVersions } from '../../src/run/block-checkpoint.js';
import { createRun, prepareModel, resumeRun } from '../../src/run/run-factory.js';
import { RunStore } from '../../src/run/run-store.js';
import { runFactoryDeps, testRunConfig } from '../support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'splitlora-cybgd-resume-'));
const deps = runFactoryDeps(root);
const config = runConfigSchema.parse(testRunConfig({ method: 'cybgd-split', evalData: null }));
const roundRecord: RoundRecord = {
  kind: 'round', runId: 'r', round: 1, trainLoss: 3, evalLoss: null, evalPerplexity: null, tokens: 20, bytesUp: 1, bytesDown: 1, clients: 2,
  participants: ['v1', 'v2'], seconds: 1, tokensPerSecond: 20, endedAt: 2,
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cybgd-split run folder', () => {
  it('resumes with the trained blocks at their saved versions', async () => {
    const run = await createRun(config, deps);
    const dir = run.runDir;
    const initial = run.globalClient;
    expect(run.snapshot().blockVersions).toEqual([0, 0, 0]);
    await run.dispose();

    // Round 1 as the round closer saves it: blocks 0 and 1 trained (version 1), block 2 untouched.
    const { plan, model } = await prepareModel(config, deps);
    const trained: NamedHostTensors = Object.fromEntries(Object.entries(initial).map(([n, t]) => [
      n, { shape: t.shape, data: /^transformer\.h\.[01]\./.test(n) ? t.data.map((x, i) => x + 0.01 * Math.sin(i + n.length)) : t.data },
    ]));
    const store = new RunStore(dir);
    const serverAdapter = await store.loadAdapter(0, 'server-adapter', plan.config);
    const zeros = Object.fromEntries(Object.entries(serverAdapter).map(([n, t]) => [n, { shape: t.shape, data: new Float32Array(t.data.length) }]));
    await store.saveRoundFiles(1, plan, trained, serverAdapter, { steps: 0, m: zeros, v: zeros }, model.params);
    await saveBlockVersions(dir, 1, [1, 1, 0]);
    store.appendMetric(roundRecord);
    await store.markCompleted(1);

    const resumed = await resumeRun(dir, deps);
    expect(resumed.machine.completedRounds).toBe(1);
    expect(resumed.snapshot().blockVersions).toEqual([1, 1, 0]);
    let worst = 0;
    for (const [name, t] of Object.entries(trained)) t.data.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - resumed.globalClient[name]!.data[i]!))));
    expect(worst).toBe(0);
    await resumed.dispose();

    rmSync(join(dir, 'rounds', '0001', BLOCK_VERSIONS_FILE));
    await expect(resumeRun(dir, deps)).rejects.toThrow(/0001\/block-versions\.json: missing/);
  }, 120_000);
});
