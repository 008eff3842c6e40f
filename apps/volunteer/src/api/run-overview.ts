// The server's public description of its run (GET /api/run), checked field by field: what the consent screen shows.
import { type RunInfo, TRAINING_METHODS, type TrainingMethod } from '@splitlora/protocol';
import { checkRunInfo } from '../protocol/volunteer-event-check.js';
import { type Fields, nullableNum, num, oneOf, record, str } from '../protocol/shape-checks.js';
import { MODEL_WEIGHTS, SFL_VERSIONS } from '../protocol/closed-lists.js';

export interface TrainingSummary {
  /** The training method, and what it sends from the tab each round (in words, from the server). */
  method: TrainingMethod;
  uploads: string;
  model: string;
  /** Whether the model starts from pretrained or random weights. */
  weights: 'pretrained' | 'random';
  cut: number;
  layers: number | null;
  wireDtype: string;
  batchSize: number;
  maxSeqLen: number;
  localSteps: number;
  rounds: number;
  sfl: 'v1' | 'v2';
  loraRank: number;
  clientTrainable: number | null;
  clientParams: number | null;
}

export interface RunOverview {
  run: RunInfo | null;
  volunteersOnline: number;
  training: TrainingSummary | null;
}

function readTraining(value: unknown, where: string): TrainingSummary | null {
  if (value === null) return null;
  const t: Fields = record(value, where);
  const int = (key: string) => num(t, key, where, { int: true, min: 0 });
  return {
    method: oneOf(t, 'method', TRAINING_METHODS, where), uploads: str(t, 'uploads', where, { max: 400 }),
    model: str(t, 'model', where), weights: oneOf(t, 'weights', MODEL_WEIGHTS, where), cut: int('cut'), layers: nullableNum(t, 'layers', where), wireDtype: str(t, 'wireDtype', where),
    batchSize: int('batchSize'), maxSeqLen: int('maxSeqLen'), localSteps: int('localSteps'), rounds: int('rounds'),
    sfl: oneOf(t, 'sfl', SFL_VERSIONS, where), loraRank: int('loraRank'),
    clientTrainable: nullableNum(t, 'clientTrainable', where), clientParams: nullableNum(t, 'clientParams', where),
  };
}

export function readRunOverview(value: unknown): RunOverview {
  const where = 'GET /api/run';
  const body = record(value, where);
  return {
    run: checkRunInfo(body['run'], `${where}.run`),
    volunteersOnline: num(body, 'volunteersOnline', where, { int: true, min: 0 }),
    training: readTraining(body['training'], `${where}.training`),
  };
}

export async function fetchRunOverview(origin: string): Promise<RunOverview> {
  const response = await fetch(new URL('/api/run', origin));
  if (!response.ok) throw new Error(`GET /api/run: expected 200, found ${response.status} ${response.statusText}`);
  return readRunOverview(await response.json());
}
