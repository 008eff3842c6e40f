// A server that cannot serve a run config (a coordinator's split workers) refuses it at create and at resume, with
// BAD_REQUEST and the reason, before any model is built or folder written.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunConfig, runConfigSchema } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import type { RunDeps } from './run-deps.js';
import { RunHost } from './run-host.js';

const why = 'method sl is not served by split workers yet';
const host = (runsDir: string) => new RunHost({ runsDir, refuseRun: (c: RunConfig) => (c.method === 'sl' ? why : null) } as unknown as RunDeps);

describe('RunHost refusing configs it cannot serve', () => {
  it('refuses at create with BAD_REQUEST and writes nothing', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'refuse-'));
    await expect(host(runsDir).create(runConfigSchema.parse({ method: 'sl' }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: why });
  });

  it('refuses a run folder whose stored config it cannot serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refuse-run-'));
    mkdirSync(join(dir, 'rounds'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ runId: 'run-x', createdAt: 0, config: runConfigSchema.parse({ method: 'sl' }) }));
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ completedRounds: 0, updatedAt: 0 }));
    await expect(host(dir).resume(dir)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: why });
  });
});
