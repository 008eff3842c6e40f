// One metered run for the wire benchmark: a real server + Node fleet training to the end, with every payload
// byte attributed (PacketMeter), the trained tokens from the run's metrics, and the steps' real shapes.
import { gpt2Config, type Gpt2PresetName } from '@splitlora/core';
import { type LayoutName, type RoundRecord, runConfigSchema } from '@splitlora/protocol';
import { startLiveRun } from '../lib/live-run.js';
import { PacketMeter, type StepShape } from './packet-meter.js';

/**
 * The server's default per-client limit (50 messages/s, burst 200) rejects a gpt2 weights download (~240 chunks of
 * 1 MB) at localhost speed; the byte counts do not depend on it, so the wire runs raise it.
 */
export const RAISED_RATE_LIMIT = { perSecond: 1000, burst: 2000 };

const RUN_TIMEOUT_MS = 10 * 60_000;

export interface WireRunSpec {
  model: Gpt2PresetName;
  wire: 'fp16' | 'fp32';
  layout: LayoutName;
  clients: number;
  rounds: number;
  localSteps: number;
  batch: number;
  maxSeqLen: number;
  cut: number;
}

export interface WireRunResult {
  spec: WireRunSpec;
  meter: PacketMeter;
  steps: StepShape[];
  /** Trained (loss-counted) tokens of all rounds, from the run's round records (u-shaped: the tabs' own counts). */
  tokens: number;
  registryUp: number;
  registryDown: number;
  weightsAssetBytes: number;
  tokenizerAssetBytes: number;
  seconds: number;
  state: string;
}

export async function wireRun(spec: WireRunSpec, log: (line: string) => void): Promise<WireRunResult> {
  const config = runConfigSchema.parse({
    name: 'wire benchmark', model: spec.model, cut: spec.cut, layout: spec.layout, rounds: spec.rounds, localSteps: spec.localSteps, batchSize: spec.batch,
    maxSeqLen: spec.maxSeqLen, padMultiple: 8, lr: 2e-3, schedule: 'linear', sfl: 'v2', wireDtype: spec.wire === 'fp16' ? 'float16' : 'float32',
    minClients: spec.clients, maxClients: spec.clients, evalData: null,
  });
  gpt2Config(spec.model); // fails early on an unknown preset
  const meter = new PacketMeter();
  const started = Date.now();
  const live = await startLiveRun({ config, clients: spec.clients, rateLimit: RAISED_RATE_LIMIT, beforeFleet: (server) => meter.attach(server), log });
  try {
    await live.over(RUN_TIMEOUT_MS);
    const manifest = live.run.manifest();
    meter.freeze(); // the volunteers' goodbyes after the run are not part of it, nor of the registry totals below
    const rounds = live.run.metricHistory().filter((m): m is RoundRecord => m.kind === 'round' && m.round > 0);
    return {
      spec, meter, steps: meter.steps, tokens: rounds.reduce((s, r) => s + r.tokens, 0),
      registryUp: live.server.registry.totalUp, registryDown: live.server.registry.totalDown,
      weightsAssetBytes: manifest.assets.weights.bytes, tokenizerAssetBytes: manifest.assets.tokenizer.bytes,
      seconds: (Date.now() - started) / 1000, state: live.run.machine.state,
    };
  } finally {
    await live.close();
  }
}
