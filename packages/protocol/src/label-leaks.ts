// What in a message a volunteer sends could carry its labels: a target, mask or loss field, a tensor frame of
// integers (token ids), or a plain array of numbers. The u-shaped layout promises none of them leaves the tab; the
// Node integration test and the Playwright spec check every captured message with labelLeaks.
import type { TensorFrame } from './tensor-frame.js';

/** A tensor frame, or a tensor's header in a frame bundle (the adapter travels as one: its bytes at `offset`). */
export function isTensorFrameLike(value: unknown): value is Pick<TensorFrame, 'dtype' | 'name'> {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && ('data' in value || 'offset' in value);
}

/** Field names that would carry labels or what is computed from them (`heldOut.meanLoss` of round:update excepted). */
const LABEL_FIELD = /target|mask|loss|ids$/i;

/** Every problem with one sent message `event` carrying `payload`: "path: what"; empty when nothing label-like is in it. */
export function labelLeaks(event: string, payload: unknown, path = event): string[] {
  if (Array.isArray(payload)) {
    if (payload.length > 0 && payload.every((v) => typeof v === 'number')) return [`${path}: an array of ${payload.length} numbers`];
    return payload.flatMap((v, i) => labelLeaks(event, v, `${path}[${i}]`));
  }
  if (isTensorFrameLike(payload)) return payload.dtype.startsWith('float') ? [] : [`${path}: a ${payload.dtype} frame ${payload.name}`];
  if (typeof payload !== 'object' || payload === null || payload instanceof Uint8Array || payload instanceof ArrayBuffer) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    const where = `${path}.${key}`;
    // One loss per round on the tab's held-out share is what the u-shaped layout reports when the run has no eval file.
    const heldOutLoss = event === 'round:update' && where === 'round:update.heldOut.meanLoss';
    if (LABEL_FIELD.test(key) && !heldOutLoss) out.push(`${where}: a ${key} field`);
    out.push(...labelLeaks(event, value, where));
  }
  return out;
}
