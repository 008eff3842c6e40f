// Holds the server's current run (one at a time): creates, resumes and replaces it.
import { ProtocolError, type RunConfig } from '@splitlora/protocol';
import type { RunDeps } from './run-deps.js';
import { resolve } from 'node:path';
import { readStoredRun } from './run-checkpoint.js';
import { createRun, resumeRun } from './run-factory.js';
import { RunStore } from './run-store.js';
import type { Run } from './run.js';

export class RunHost {
  current: Run | null = null;

  constructor(private readonly deps: RunDeps) {}

  async create(config: RunConfig): Promise<Run> {
    if (this.current !== null && !this.current.machine.isOver()) {
      throw new ProtocolError('RUN_STATE', `run ${this.current.runId} is ${this.current.machine.state}; stop it before creating another`);
    }
    this.refuse(config);
    const run = await createRun(config, this.deps);
    await this.replace(run);
    return run;
  }

  async resume(dir: string): Promise<Run> {
    if (RunStore.exists(resolve(dir))) this.refuse(readStoredRun(resolve(dir)).config);
    const run = await resumeRun(dir, this.deps);
    await this.replace(run);
    return run;
  }

  /** Refuses, before anything is built, a run this server cannot serve. */
  private refuse(config: RunConfig): void {
    const why = this.deps.refuseRun?.(config) ?? null;
    if (why !== null) throw new ProtocolError('BAD_REQUEST', why);
  }

  /** The current run (training messages check their own stamp against it and answer STALE). */
  require(): Run {
    if (this.current === null) throw new ProtocolError('NO_RUN', 'there is no run; create one first');
    return this.current;
  }

  /** The run a request names, which must be the current one. */
  get(runId: string): Run {
    if (this.current === null) throw new ProtocolError('NO_RUN', 'there is no run; create one first');
    if (this.current.runId !== runId) throw new ProtocolError('NO_RUN', `run ${runId} is not the current run ${this.current.runId}`);
    return this.current;
  }

  private async replace(run: Run): Promise<void> {
    const previous = this.current;
    // The run going into history keeps its last round as one whole-model adapter (final-adapter/ in its folder).
    if (previous !== null && previous.machine.completedRounds > 0) {
      await previous.exportCombined().catch((error: Error) => this.deps.logger.warn(`run ${previous.runId}: could not write its final adapter: ${error.message}`));
    }
    await previous?.dispose();
    this.current = run;
    this.deps.notify.runState(run.info());
    this.deps.notify.changed();
  }

  async dispose(): Promise<void> {
    const run = this.current;
    this.current = null;
    await run?.dispose();
  }
}
