// The server's public description of its run (GET /api/run), checked field by field: what the consent screen shows.
import { type ActivationNoiseFigures, type LayoutName, type RunInfo, type RunLeakage, TRAINING_METHODS, type TrainingMethod } from '@splitlora/protocol';
import { checkRunInfo } from '../protocol/volunteer-event-check.js';
import { bool, fail, type Fields, nullableNum, num, oneOf, record, str } from '../protocol/shape-checks.js';
import { ADAPTER_STATES, LAYOUT_NAMES, MODEL_WEIGHTS, SFL_VERSIONS } from '../protocol/closed-lists.js';

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
  /** Absent from older servers: the standard layout. */
  layout?: LayoutName;
  /** The tabs evaluate a held-out share of their own text (u-shaped without an eval file); absent: the server evaluates, if at all. */
  heldOutEval?: boolean;
  /** The measured token recovery at this run's cut; absent when not measured. */
  leakage?: RunLeakage;
  /** The run's privacy options (absent from servers that predate them: then neither is on). */
  privacy?: TrainingPrivacy;
  /** Bytes a new volunteer downloads once (model layers and tokenizer); absent when the server does not say yet. */
  downloadBytes?: number;
}

function readLeakage(value: unknown, where: string): RunLeakage | undefined {
  if (value === null || value === undefined) return undefined;
  const l: Fields = record(value, where);
  const rate = (key: string) => {
    const x = num(l, key, where, { min: 0 });
    if (x > 1) fail(`${where}.${key}`, 'a rate in [0, 1]', x);
    return x;
  };
  return {
    model: str(l, 'model', where), weights: oneOf(l, 'weights', MODEL_WEIGHTS, where), measuredOn: str(l, 'measuredOn', where),
    cut: num(l, 'cut', where, { int: true, min: 1 }), attack: str(l, 'attack', where), adapter: oneOf(l, 'adapter', ADAPTER_STATES, where),
    exact: rate('exact'), top5: rate('top5'),
  };
}

export interface TrainingPrivacy {
  dp: { noiseMultiplier: number; clipNorm: number; delta: number; epsilonBudget: number | null } | null;
  secureAggregation: boolean;
  /** Noise on the cut activations, with the run's stated figures; absent or null: off. */
  activationNoise?: ActivationNoiseFigures | null;
}

function readActivationNoise(value: unknown, where: string): ActivationNoiseFigures | null {
  if (value === null || value === undefined) return null;
  const n = record(value, where);
  return {
    noiseMultiplier: num(n, 'noiseMultiplier', where, { min: 0 }), clipNorm: num(n, 'clipNorm', where, { min: 0 }), delta: num(n, 'delta', where, { min: 0 }),
    epsilonOneRelease: nullableNum(n, 'epsilonOneRelease', where), plannedReleases: num(n, 'plannedReleases', where, { int: true, min: 1 }),
    epsilonPlanned: nullableNum(n, 'epsilonPlanned', where),
  };
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
    ...(p['activationNoise'] === undefined ? {} : { activationNoise: readActivationNoise(p['activationNoise'], `${where}.activationNoise`) }),
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
    layout: t['layout'] === undefined ? undefined : oneOf(t, 'layout', LAYOUT_NAMES, where),
    ...(t['heldOutEval'] === undefined ? {} : { heldOutEval: bool(t, 'heldOutEval', where) }),
    leakage: readLeakage(t['leakage'], `${where}.leakage`),
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
