// Which run actions are valid in which run state: drives the enablement of Start/Pause/Resume/Stop/Create.
import type { RunState } from '@splitlora/protocol';

export type RunAction = 'start' | 'pause' | 'resume' | 'stop';

export type RunControls = Record<RunAction | 'create', boolean>;

const ACTION_STATES: Record<RunAction, readonly RunState[]> = {
  start: ['created'],
  pause: ['waiting', 'training', 'aggregating'],
  resume: ['paused'],
  stop: ['created', 'waiting', 'training', 'aggregating', 'paused'],
};

/** States after which a run does nothing more. */
export const TERMINAL_STATES: readonly RunState[] = ['finished', 'stopped', 'failed'];

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * The actions the admin may take now. `busy` (a request in flight) disables them all, so a double click sends once.
 * A new run may be created when there is none, when the current one is over, or when it has not started yet.
 */
export function runControls(state: RunState | null, busy = false): RunControls {
  const allowed = (action: RunAction): boolean => !busy && state !== null && ACTION_STATES[action].includes(state);
  return {
    start: allowed('start'),
    pause: allowed('pause'),
    resume: allowed('resume'),
    stop: allowed('stop'),
    create: !busy && (state === null || state === 'created' || isTerminal(state)),
  };
}

/** The socket event of each action. */
export const ACTION_EVENTS = {
  start: 'run:start', pause: 'run:pause', resume: 'run:resume', stop: 'run:stop',
} as const satisfies Record<RunAction, string>;
