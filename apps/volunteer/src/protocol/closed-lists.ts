// The closed lists the page checks at runtime (backends, volunteer statuses, run states, model weights), copied from the packages
// as values so the page bundle does not pull in zod; the type assertions fail to compile if a package's list changes.
import type { VolunteerOutcome, VolunteerStatus } from '@splitlora/client';
import type { BackendName, ModelWeights, RunState } from '@splitlora/protocol';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow', 'node'] as const;
export const VOLUNTEER_STATUSES = [
  'connecting', 'no-run', 'downloading', 'preparing', 'waiting', 'training', 'uploading', 'paused', 'reconnecting',
  'finished', 'left', 'error',
] as const;
export const RUN_STATES = ['created', 'waiting', 'training', 'aggregating', 'paused', 'finished', 'stopped', 'failed'] as const;
export const OUTCOMES = ['finished', 'left', 'error'] as const;
export const SFL_VERSIONS = ['v1', 'v2'] as const;
export const MODEL_WEIGHTS = ['pretrained', 'random'] as const;

export const listsMatchPackages: [
  Same<(typeof BACKEND_NAMES)[number], BackendName>,
  Same<(typeof VOLUNTEER_STATUSES)[number], VolunteerStatus>,
  Same<(typeof RUN_STATES)[number], RunState>,
  Same<(typeof OUTCOMES)[number], VolunteerOutcome>,
  Same<(typeof MODEL_WEIGHTS)[number], ModelWeights>,
] = [true, true, true, true, true];
