// `pnpm bench secagg --real`: what secure aggregation adds to a round of a real run — an in-process server on port 0
// and a Node fleet over socket.io, the same run with secure aggregation off and on — as the server's round records
// count it: bytes up and down (every message of every volunteer) and seconds from round start to aggregate.
import { type RoundRecord, type RunConfig, runConfigSchema } from '@splitlora/protocol';
import { startLiveRun } from '../lib/live-run.js';
import { median } from '../lib/stats.js';

export interface RealRunSettings {
  clients: number;
  /** Rounds per run; the first is not counted (it warms up the JIT and every volunteer's first step). */
  rounds: number;
  timeoutMs: number;
}

export interface RealRunResult {
  clients: number;
  secureAggregation: boolean;
  state: string;
  /** Medians over the counted rounds. */
  bytesUp: number;
  bytesDown: number;
  seconds: number;
  roundsCounted: number;
  /** Survivors of every counted round's secure aggregation (on), or the reporters (off). */
  reporters: number[];
  startSeconds: number;
}

/** The smallest run that still exercises the real protocol: tiny model, cut 3, one local step of batch 2 × 32 tokens. */
export function realRunConfig(clients: number, rounds: number, secureAggregation: boolean): RunConfig {
  return runConfigSchema.parse({
    name: `secagg ${secureAggregation ? 'on' : 'off'}, ${clients} volunteers`, model: 'tiny', cut: 3, rounds, localSteps: 1, batchSize: 2, maxSeqLen: 32,
    padMultiple: 8, lr: 5e-3, schedule: 'constant', sfl: 'v2', seed: 0, minClients: clients, maxClients: clients, evalData: null, secureAggregation,
    roundTimeoutSec: 1800, reconnectGraceSec: 60,
  });
}

export async function measureRealRun(settings: RealRunSettings, secureAggregation: boolean, log: (line: string) => void): Promise<RealRunResult> {
  const { clients, rounds } = settings;
  const started = Date.now();
  let firstRoundAt: number | null = null;
  const live = await startLiveRun({
    config: realRunConfig(clients, rounds, secureAggregation), clients, log,
    onEvent: (_, event) => {
      if (event.type === 'round-start' && firstRoundAt === null) firstRoundAt = Date.now();
    },
  });
  try {
    await live.over(settings.timeoutMs);
    const records = live.run.metricHistory().filter((m): m is RoundRecord => m.kind === 'round' && m.round > 0);
    if (live.run.machine.state !== 'finished' || records.length !== rounds) {
      throw new Error(`the ${clients}-volunteer run (secure aggregation ${secureAggregation ? 'on' : 'off'}) ended ${live.run.machine.state} after ${records.length} of ${rounds} rounds${live.volunteerErrors.length ? `: ${live.volunteerErrors.join('; ')}` : ''}`);
    }
    const counted = records.length > 1 ? records.slice(1) : records;
    for (const r of records) log(`${clients} volunteers, secure aggregation ${secureAggregation ? 'on' : 'off'}, round ${r.round}: ${r.bytesUp} B up, ${r.bytesDown} B down, ${r.seconds.toFixed(2)} s`);
    return {
      clients, secureAggregation, state: live.run.machine.state,
      bytesUp: median(counted.map((r) => r.bytesUp)), bytesDown: median(counted.map((r) => r.bytesDown)), seconds: median(counted.map((r) => r.seconds)),
      roundsCounted: counted.length,
      reporters: counted.map((r) => (secureAggregation ? r.privacy?.secureAggregation?.survivors ?? 0 : r.clients)),
      startSeconds: ((firstRoundAt ?? Date.now()) - started) / 1000,
    };
  } finally {
    await live.close();
  }
}
