// Start/Pause/Resume/Stop/Create are enabled exactly in the run states where the server accepts them.
import { describe, expect, it } from 'vitest';
import { RUN_STATES, type RunState } from '@splitlora/protocol';
import { runControls } from './run-controls.js';

const enabled = (state: RunState | null, busy = false): string[] =>
  Object.entries(runControls(state, busy)).filter(([, on]) => on).map(([action]) => action).sort();

describe('run controls', () => {
  it.each<[RunState | null, string[]]>([
    [null, ['create']],
    ['created', ['create', 'start', 'stop']],
    ['waiting', ['pause', 'stop']],
    ['training', ['pause', 'stop']],
    ['aggregating', ['pause', 'stop']],
    ['paused', ['resume', 'stop']],
    ['finished', ['create']],
    ['stopped', ['create']],
    ['failed', ['create']],
  ])('in state %s enables %j', (state, actions) => {
    expect(enabled(state)).toEqual(actions);
  });

  it('covers every run state of the protocol', () => {
    for (const state of RUN_STATES) expect(() => runControls(state)).not.toThrow();
  });

  it('disables everything while a request is in flight', () => {
    for (const state of [null, ...RUN_STATES]) expect(enabled(state, true)).toEqual([]);
  });
});
