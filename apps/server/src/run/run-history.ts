// The runs directory as a history: every run folder (config.json + state.json) listed newest first, and the metrics
// and saved adapters of runs the server no longer holds, read from disk — so earlier runs stay browsable and
// downloadable after a new run started.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type MetricRecord, ProtocolError, type RunListEntry } from '@splitlora/protocol';
import { readStoredRun, readStoredState } from './run-checkpoint.js';
import { RunStore } from './run-store.js';

/** Run ids are folder names the server made; anything else (a path, "..") is refused before touching the disk. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class RunHistory {
  constructor(private readonly runsDir: string) {}

  list(currentRunId: string | null): RunListEntry[] {
    if (!existsSync(this.runsDir)) return [];
    const out: RunListEntry[] = [];
    for (const entry of readdirSync(this.runsDir)) {
      const dir = join(this.runsDir, entry);
      if (!RUN_ID.test(entry) || !statSync(dir).isDirectory() || !RunStore.exists(dir)) continue;
      try {
        const store = new RunStore(dir);
        const { runId, createdAt, config } = readStoredRun(store.dir);
        const state = readStoredState(store.dir, config);
        out.push({
          runId, name: config.name, model: config.model, rounds: config.rounds, completedRounds: state.completedRounds,
          createdAt, updatedAt: state.updatedAt, current: runId === currentRunId,
        });
      } catch {
        // a folder cut short by a crash before its first state: not a run to show
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  private store(runId: string): RunStore {
    const dir = join(this.runsDir, runId);
    if (!RUN_ID.test(runId) || !RunStore.exists(dir)) throw new ProtocolError('NOT_FOUND', `no run ${runId} in the runs folder`);
    return new RunStore(dir);
  }

  metrics(runId: string): MetricRecord[] {
    return this.store(runId).readMetrics();
  }

  /** A completed round's client or server adapter (PEFT files); "combined" exists for a finished run's last round. */
  async adapterFiles(runId: string, round: number, which: 'client' | 'server' | 'combined'): Promise<Record<string, Uint8Array>> {
    const store = this.store(runId);
    const { completedRounds } = readStoredState(store.dir, readStoredRun(store.dir).config);
    if (round > completedRounds) throw new ProtocolError('NOT_FOUND', `round ${round} of run ${runId} was not completed (last completed: ${completedRounds})`);
    if (which === 'combined') {
      const dir = join(store.dir, 'final-adapter');
      if (round !== completedRounds || !existsSync(dir)) {
        throw new ProtocolError('NOT_FOUND', `run ${runId} keeps a whole-model adapter only for its final round; download the client and server adapters of round ${round}`);
      }
      return Object.fromEntries(readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]));
    }
    const files = await store.adapterFiles(round, which === 'client' ? 'client-adapter' : 'server-adapter');
    if (files === null) throw new ProtocolError('NOT_FOUND', `no ${which} adapter saved for round ${round} of run ${runId}`);
    return files;
  }
}
