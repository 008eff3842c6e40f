// The dashboard's "Evaluate" per round: one evaluation at a time, in a worker thread (round-eval-worker.ts), its
// progress and result pushed to dashboards and its scores and outputs stored beside the round's adapters
// (rounds/NNNN/e2e-evaluation.json), so they are listed again after a reload or a restart.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { embeddedModelDirOf, startTsWorker } from '@splitlora/node';
import { isModelPresetName, ProtocolError, type RoundEvaluation } from '@splitlora/protocol';
import type { Logger } from '../log.js';
import { BASE_MODEL_DIR, readBaseModelRef } from '../run/base-model-ref.js';
import { hfFolder } from '../run/model-source.js';
import type { Run } from '../run/run.js';
import { roundDir } from '../run/run-store.js';
import type { RoundEvalInput, RoundEvalReport } from './round-eval-messages.js';

/** The E2E test set, with its references, in the data folder. */
export const E2E_TEST_FILE = 'e2e/testset_w_refs.csv';
const RESULT_FILE = 'e2e-evaluation.json';

export interface RoundEvaluationsDeps {
  modelsDir: string;
  dataDir: string | null;
  logger: Logger;
  /** Pushes a changed record to the dashboards. */
  onChange(record: RoundEvaluation): void;
  now?: () => number;
}

export class RoundEvaluations {
  private readonly records = new Map<string, Map<number, RoundEvaluation>>();
  private running: { worker: Worker; record: RoundEvaluation } | null = null;

  constructor(private readonly deps: RoundEvaluationsDeps) {}

  /** Every evaluation of the run, by round: stored ones and the one running. */
  list(run: Run): RoundEvaluation[] {
    return [...this.loaded(run).values()].sort((a, b) => a.round - b.round);
  }

  /** Starts evaluating a completed round in the background; answers at once with the running record. */
  start(run: Run, round: number, samples: number): RoundEvaluation {
    if (round > run.machine.completedRounds) throw new ProtocolError('NOT_FOUND', `round ${round} is not completed yet (last completed: ${run.machine.completedRounds})`);
    if (this.running !== null) {
      const r = this.running.record;
      throw new ProtocolError('RUN_STATE', `round ${r.round} is being evaluated (${r.done}/${r.samples} MRs); evaluate round ${round} when it is done`);
    }
    const { dataDir } = this.deps;
    if (dataDir === null) throw new ProtocolError('UNAVAILABLE', 'evaluation needs the server data folder (SPLITLORA_DATA_DIR) with the E2E test set');
    const dataPath = join(dataDir, E2E_TEST_FILE);
    if (!existsSync(dataPath)) throw new ProtocolError('NOT_FOUND', `the E2E test set ${E2E_TEST_FILE} is not in the data folder`);
    const input: RoundEvalInput = { runDir: run.runDir, round, samples, base: this.baseOf(run), tokenizerDir: this.tokenizerDirOf(run, dataDir), dataPath };
    const record: RoundEvaluation = {
      runId: run.runId, round, samples, state: 'running', done: 0, startedAt: this.now(), seconds: null, scores: null, error: null,
    };
    const worker = startTsWorker(new URL('./round-eval-worker.ts', import.meta.url), input);
    this.running = { worker, record };
    this.put(record);
    const log = this.deps.logger.child(run.runId);
    log.info(`evaluating round ${round} on ${samples} MRs of the E2E test set in the background`);
    const finish = (next: RoundEvaluation) => {
      if (this.running?.worker !== worker) return;
      this.running = null;
      this.put(next);
      void worker.terminate();
    };
    worker.on('message', (report: RoundEvalReport) => {
      const current = this.loaded(run).get(round) ?? record;
      if (report.type === 'progress') this.put({ ...current, done: report.done });
      else if (report.type === 'failed') {
        log.warn(`evaluation of round ${round} failed: ${report.message}`);
        finish({ ...current, state: 'failed', seconds: this.elapsed(record), error: report.message });
      } else {
        const done: RoundEvaluation = { ...current, state: 'done', done: samples, seconds: this.elapsed(record), scores: report.scores };
        void writeFile(join(roundDir(run.runDir, round), RESULT_FILE), JSON.stringify({ ...done, decodeSeconds: report.decodeSeconds, outputs: report.outputs }, null, 2))
          .catch((error: Error) => log.warn(`could not store the evaluation of round ${round}: ${error.message}`));
        log.info(`round ${round} evaluated: BLEU ${(100 * report.scores.bleu).toFixed(2)}, perplexity ${report.scores.perplexity.toFixed(2)}`);
        finish(done);
      }
    });
    worker.on('error', (error) => finish({ ...record, state: 'failed', seconds: this.elapsed(record), error: error.message }));
    worker.on('exit', (code) => finish({ ...record, state: 'failed', seconds: this.elapsed(record), error: `the evaluation thread stopped (exit code ${code})` }));
    return record;
  }

  async dispose(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.worker.terminate();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private elapsed(record: RoundEvaluation): number {
    return (this.now() - record.startedAt) / 1000;
  }

  private put(record: RoundEvaluation): void {
    this.roundsOf(record.runId).set(record.round, record);
    this.deps.onChange(record);
  }

  private roundsOf(runId: string): Map<number, RoundEvaluation> {
    let map = this.records.get(runId);
    if (map === undefined) this.records.set(runId, (map = new Map()));
    return map;
  }

  /** The run's records, the stored ones read from its folder the first time. */
  private loaded(run: Run): Map<number, RoundEvaluation> {
    if (!this.records.has(run.runId)) {
      const map = this.roundsOf(run.runId);
      const rounds = join(run.runDir, 'rounds');
      for (const name of existsSync(rounds) ? readdirSync(rounds) : []) {
        const path = join(rounds, name, RESULT_FILE);
        if (!existsSync(path)) continue;
        try {
          const stored = JSON.parse(readFileSync(path, 'utf8')) as RoundEvaluation & { outputs?: unknown };
          const { outputs: _outputs, ...record } = stored;
          map.set(record.round, record);
        } catch {
          this.deps.logger.warn(`skipping unreadable ${path}`);
        }
      }
    }
    return this.roundsOf(run.runId);
  }

  /** Where the evaluation thread finds the run's base: the run folder's reference, else (older folders) the model name. */
  private baseOf(run: Run): RoundEvalInput['base'] {
    const ref = readBaseModelRef(run.runDir);
    const model = run.config.model;
    if (ref?.kind === 'saved') return { dir: join(run.runDir, BASE_MODEL_DIR) };
    if (model.startsWith('hf:')) return { dir: hfFolder(this.deps.modelsDir, model) };
    const embedded = embeddedModelDirOf(model);
    if (embedded !== null) return { dir: embedded };
    if (isModelPresetName(model)) return { preset: model, seed: run.config.seed };
    throw new ProtocolError('BAD_REQUEST', `cannot evaluate model "${model}"`);
  }

  private tokenizerDirOf(run: Run, dataDir: string): string {
    if (run.config.model.startsWith('hf:')) {
      const dir = hfFolder(this.deps.modelsDir, run.config.model);
      if (existsSync(join(dir, 'vocab.json'))) return dir;
    }
    return join(dataDir, 'gpt2-tokenizer');
  }
}
