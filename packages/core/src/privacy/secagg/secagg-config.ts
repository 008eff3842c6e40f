// Settings of one secure-aggregation round, agreed by the server and every volunteer before it starts, and the
// closed list of reasons a round or a message is refused.
import { CoreError } from '../../errors.js';
import { type Quantization, quantization } from './quantize.js';

export interface SecAggConfig {
  /** Binds keys, masks and ciphertexts to one round (e.g. `${runId}/round-${n}`); the same string on every side. */
  context: string;
  /** t: how many volunteers must reach the end; also the shares needed to rebuild a secret. t > maxClients/2. */
  threshold: number;
  /** Elements in each volunteer's input vector. */
  vectorLength: number;
  /** Each element is clamped to [−range, range] before encoding (with DP clipping to norm C, range = C clamps none). */
  range: number;
  /** Most volunteers in the round (≤ 255, the share points of GF(256)); sets the encoding so their sum cannot wrap. */
  maxClients: number;
}

export interface ResolvedSecAggConfig extends SecAggConfig {
  quantization: Quantization;
  contextBytes: Uint8Array;
}

/** The smallest threshold allowed: a strict majority of maxClients, and at least 2. */
export function defaultThreshold(maxClients: number): number {
  return Math.max(2, Math.floor(maxClients / 2) + 1);
}

export function resolveSecAggConfig(config: SecAggConfig): ResolvedSecAggConfig {
  const { context, threshold, vectorLength, range, maxClients } = config;
  const bad = (message: string) => new SecAggError('malformed', `secure aggregation config: ${message}`);
  if (typeof context !== 'string' || context.length === 0) throw bad('context must be a non-empty string (run and round)');
  if (!Number.isInteger(maxClients) || maxClients < 2 || maxClients > 255) throw bad(`maxClients must be an integer in 2..255, found ${maxClients}`);
  if (!Number.isInteger(threshold) || threshold < defaultThreshold(maxClients) || threshold > maxClients) {
    throw bad(`threshold must be an integer in ${defaultThreshold(maxClients)}..${maxClients} (a strict majority of maxClients ${maxClients}, at least 2), found ${threshold}`);
  }
  if (!Number.isInteger(vectorLength) || vectorLength < 1) throw bad(`vectorLength must be an integer >= 1, found ${vectorLength}`);
  return { ...config, quantization: quantization(range, maxClients), contextBytes: new TextEncoder().encode(`splitlora-secagg-v1|${context}`) };
}

/** Why a secure-aggregation message or round was refused (a closed list; the protocol maps it onto its codes). */
export type SecAggErrorCode =
  | 'malformed' // a message or setting has the wrong fields, sizes or values
  | 'unexpected' // not expected now from this sender: unknown, duplicate, too early or too late
  | 'below-threshold' // fewer than t volunteers remain in a phase: the round cannot finish
  | 'inconsistent' // keys or shares disagree: repeated public keys, a share that fails to decrypt or to rebuild
  | 'round-over'; // the round already finished or failed

export class SecAggError extends CoreError {
  readonly code: SecAggErrorCode;
  constructor(code: SecAggErrorCode, message: string) {
    super('privacy', message);
    this.name = 'SecAggError';
    this.code = code;
  }
}

export interface SecAggErrorInfo {
  code: SecAggErrorCode;
  message: string;
}

export function errorInfo(error: unknown): SecAggErrorInfo {
  if (error instanceof SecAggError) return { code: error.code, message: error.message };
  if (error instanceof CoreError) return { code: 'inconsistent', message: error.message };
  throw error; // a bug, not a protocol outcome: let it surface
}
