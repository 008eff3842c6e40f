// Runtime check of the Volunteer events the worker forwards to the page (types from packages/client).
import type { VolunteerEvent } from '@splitlora/client';
import type { RunInfo } from '@splitlora/protocol';
import { RUN_STATES, SFL_VERSIONS, VOLUNTEER_STATUSES } from './closed-lists.js';
import { bool, fail, nullableNum, num, oneOf, record, str } from './shape-checks.js';

const EVENT_TYPES = [
  'status', 'download', 'dataset', 'round-start', 'turn', 'step', 'round-end', 'traffic', 'swarm', 'run', 'secagg', 'identity', 'error', 'activation-privacy',
] as const;
// Every event the client package can emit must be checked here: this fails to compile when one is missing.
const EVERY_EVENT_CHECKED: [Exclude<VolunteerEvent['type'], (typeof EVENT_TYPES)[number]>] extends [never] ? true : never = true;
void EVERY_EVENT_CHECKED;

export function checkRunInfo(value: unknown, where: string): RunInfo | null {
  if (value === null) return null;
  const r = record(value, where);
  return {
    runId: str(r, 'runId', where, { min: 1 }), name: str(r, 'name', where), state: oneOf(r, 'state', RUN_STATES, where),
    round: num(r, 'round', where, { int: true, min: 0 }), rounds: num(r, 'rounds', where, { int: true, min: 0 }),
    model: str(r, 'model', where), sfl: oneOf(r, 'sfl', SFL_VERSIONS, where),
  };
}

export function checkVolunteerEvent(value: unknown, where = 'volunteer event'): VolunteerEvent {
  const e = record(value, where);
  const type = oneOf(e, 'type', EVENT_TYPES, where);
  const at = `${where} "${type}"`;
  const count = (key: string) => num(e, key, at, { min: 0 });
  const index = (key: string) => num(e, key, at, { int: true, min: 0 });
  switch (type) {
    case 'status':
      return { type, status: oneOf(e, 'status', VOLUNTEER_STATUSES, at), message: str(e, 'message', at) };
    case 'download':
      return {
        type, asset: oneOf(e, 'asset', ['weights', 'tokenizer'] as const, at), receivedBytes: count('receivedBytes'),
        totalBytes: count('totalBytes'), fromCache: bool(e, 'fromCache', at),
      };
    case 'dataset':
      return { type, examples: index('examples'), tokens: index('tokens') };
    case 'round-start':
      return { type, round: index('round'), rounds: index('rounds'), localSteps: index('localSteps'), firstStep: index('firstStep') };
    case 'turn':
      return { type, round: index('round'), ahead: index('ahead'), turnsDone: index('turnsDone'), turns: index('turns') };
    case 'step':
      return {
        type, round: index('round'), step: index('step'), localSteps: index('localSteps'), loss: num(e, 'loss', at),
        tokens: count('tokens'), tokensPerSecond: count('tokensPerSecond'), seconds: count('seconds'),
      };
    case 'round-end':
      return {
        type, round: index('round'), rounds: index('rounds'), trainLoss: nullableNum(e, 'trainLoss', at),
        evalLoss: nullableNum(e, 'evalLoss', at), more: bool(e, 'more', at),
      };
    case 'traffic':
      return { type, bytesUp: count('bytesUp'), bytesDown: count('bytesDown') };
    case 'swarm':
      return { type, volunteersOnline: index('volunteersOnline'), participants: index('participants') };
    case 'run':
      return { type, run: checkRunInfo(e['run'], `${at}.run`) };
    case 'secagg':
      return { type, round: index('round'), phase: oneOf(e, 'phase', ['keys', 'masked', 'done', 'failed'] as const, at), message: str(e, 'message', at) };
    case 'activation-privacy':
      return { type, round: index('round'), releasesPerExample: count('releasesPerExample'), epsilon: nullableNum(e, 'epsilon', at), delta: num(e, 'delta', at) };
    case 'identity':
      return { type, clientId: str(e, 'clientId', at, { min: 1 }), resumeToken: str(e, 'resumeToken', at, { min: 1 }), resumed: bool(e, 'resumed', at) };
    case 'error':
      return { type, message: str(e, 'message', at), fatal: bool(e, 'fatal', at) };
    default:
      return fail(where, 'a known event type', type);
  }
}
