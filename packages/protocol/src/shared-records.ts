// Records and request schemas both namespaces use: run states and the public run info, the protocol:error push,
// and the small request shapes ({}, {runId}) several events share.
import { z } from 'zod';

/** A run, client or asset id as it travels in requests. */
export const idSchema = z.string().min(1).max(100);

/** A number that must be finite (NaN and ±Infinity refused). */
export const finiteSchema = z.number().refine(Number.isFinite, 'must be a finite number');

/** A request without fields (the ack carries everything). */
export const emptySchema = z.strictObject({});

/** A request naming the run it is about. */
export const runIdRequestSchema = z.strictObject({ runId: idSchema });

export const RUN_STATES = ['created', 'waiting', 'training', 'aggregating', 'paused', 'finished', 'stopped', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** What volunteers and dashboards see of a run. */
export interface RunInfo {
  runId: string;
  name: string;
  state: RunState;
  /** The round in progress or next to start (1-based); 0 before the first. */
  round: number;
  rounds: number;
  model: string;
  sfl: 'v1' | 'v2';
}

/** Pushed when a message without an ack callback (or of an unknown event) cannot be answered through its ack. */
export interface ProtocolErrorEvent { code: string; message: string; event: string }
