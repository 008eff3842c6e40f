// Test fixtures: realistic admin snapshot, run, clients and metric records (used by the state tests only).
import { runConfigSchema, type AdminSnapshot, type ClientInfo, type RoundRecord, type RunSnapshot, type StepRecord } from '@splitlora/protocol';

export function fakeRun(overrides: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    runId: 'run-1', name: 'E2E tiny', state: 'training', round: 2, rounds: 5, model: 'tiny', sfl: 'v2',
    config: runConfigSchema.parse({ name: 'E2E tiny', localSteps: 4 }),
    participants: ['c1', 'c2'], roundStartedAt: 1_000, completedRounds: 1, modelSummary: null, error: null,
    ...overrides,
  };
}

export function fakeClient(id: string, overrides: Partial<ClientInfo> = {}): ClientInfo {
  return {
    id, name: `tab ${id}`, backend: 'webgpu', state: 'training', tokensPerSecond: 100, tokens: 1000, steps: 4, rounds: 1,
    bytesUp: 0, bytesDown: 0, lastSeen: 10_000, participating: true, ...overrides,
  };
}

export function step(clientId: string, round: number, s: number, loss: number, runId = 'run-1'): StepRecord {
  return { kind: 'step', runId, round, step: s, clientId, loss, tokens: 256, time: 0 };
}

export function roundRecord(round: number, overrides: Partial<RoundRecord> = {}): RoundRecord {
  return {
    kind: 'round', runId: 'run-1', round, trainLoss: round === 0 ? null : 3 - round * 0.1, evalLoss: 3.2 - round * 0.1,
    evalPerplexity: Math.exp(3.2 - round * 0.1), tokens: round === 0 ? 0 : 4096, bytesUp: round * 1e6, bytesDown: round * 2e6,
    clients: 2, participants: round === 0 ? [] : ['c1', 'c2'], seconds: 12.5, tokensPerSecond: round === 0 ? 0 : 327.7,
    endedAt: 0, ...overrides,
  };
}

export function fakeSnapshot(overrides: Partial<AdminSnapshot> = {}): AdminSnapshot {
  return {
    server: { protocolVersion: 1, backend: 'tensorflow', device: { kind: 'gpu', name: 'CUDA GPU (@tensorflow/tfjs-node-gpu)', fallback: false }, models: ['tiny', 'gpt2', 'hf:my-model'], dataFiles: ['e2e-test.csv'], time: 0 },
    run: fakeRun(),
    clients: [fakeClient('c1'), fakeClient('c2', { backend: 'wasm' })],
    metrics: [roundRecord(0), step('c1', 1, 0, 3.1), step('c2', 1, 0, 2.9), roundRecord(1)],
    logs: [{ time: 0, level: 'info', message: 'state → training' }],
    ...overrides,
  };
}
