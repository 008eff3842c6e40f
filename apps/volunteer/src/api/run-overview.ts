// The server's public description of its run (GET /api/run), checked field by field: what the consent screen shows.
import { type RunInfo, TRAINING_METHODS, type TrainingMethod } from '@splitlora/protocol';
import { checkRunInfo } from '../protocol/volunteer-event-check.js';
import { bool, type Fields, nullableNum, num, oneOf, record, str } from '../protocol/shape-checks.js';
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
  /** The run's privacy options (absent from servers that predate them: then neither is on). */
  privacy?: TrainingPrivacy;
  /** Bytes a new volunteer downloads once (model layers and tokenizer); absent when the server does not say yet. */
  downloadBytes?: number;
}

export interface TrainingPrivacy {
  dp: { noiseMultiplier: number; clipNorm: number; delta: number; epsilonBudget: number | null } | null;
  secureAggregation: boolean;
}

function readPrivacy(value: unknown, where: string): TrainingPrivacy {
  const p = record(value, where);
  const dpWhere = `${where}.dp`;
  const dp = p['dp'] === null ? null : record(p['dp'], dpWhere);
  return {
    dp: dp === null ? null : {
      noiseMultiplier: num(dp, 'noiseMultiplier', dpWhere, { min: 0 }), clipNorm: num(dp, 'clipNorm', dpWhere, { min: 0 }), delta: num(dp, 'delta', dpWhere, { min: 0 }),
      epsilonBudget: nullableNum(dp, 'epsilonBudget', dpWhere),
    },
    secureAggregation: bool(p, 'secureAggregation', where),
  };
}

export interface RunOverview {
  run: RunInfo | null;
  /** The server admits volunteers only with the run's invite link (?invite=…). */
  inviteRequired?: boolean;
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
    ...(t['privacy'] === undefined ? {} : { privacy: readPrivacy(t['privacy'], `${where}.privacy`) }),
    ...(t['downloadBytes'] === undefined || t['downloadBytes'] === null ? {} : { downloadBytes: num(t, 'downloadBytes', where, { int: true, min: 0 }) }),
  };
}

export function readRunOverview(value: unknown): RunOverview {
  const where = 'GET /api/run';
  const body = record(value, where);
  return {
    run: checkRunInfo(body['run'], `${where}.run`),
    volunteersOnline: num(body, 'volunteersOnline', where, { int: true, min: 0 }),
    training: readTraining(body['training'], `${where}.training`),
    ...(body['inviteRequired'] === true ? { inviteRequired: true } : {}),
  };
}

export async function fetchRunOverview(origin: string): Promise<RunOverview> {
  const response = await fetch(new URL('/api/run', origin));
  if (!response.ok) throw new Error(`GET /api/run: expected 200, found ${response.status} ${response.statusText}`);
  return readRunOverview(await response.json());
}
