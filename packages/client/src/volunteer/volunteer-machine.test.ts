// The volunteer's state machine, driven by events alone: join → prepare → ready → train, a reconnect that continues
// the round, a new run, pauses (the volunteer's and the organiser's), a lost session, the run's end and errors.
import type { JoinResponse, RoundStart, RunInfo } from '@splitlora/protocol';
import { describe, expect, it } from 'vitest';
import { type VolunteerAction, VolunteerMachine } from './volunteer-machine.js';

const run = (over: Partial<RunInfo> = {}): RunInfo => ({ runId: 'run-1', name: 'r', state: 'training', round: 1, rounds: 2, model: 'tiny', sfl: 'v2', ...over });
const joinReply = (r: RunInfo | null = run()): JoinResponse => ({
  clientId: 'v1', resumeToken: 'token-1', resumed: false, server: { protocolVersion: 2, backend: 'wasm' }, run: r,
});
const roundStart = (over: Partial<RoundStart> = {}): RoundStart => ({
  runId: 'run-1', round: 1, rounds: 2, localSteps: 3, firstStep: 0, globalStepBase: 0, adapter: [], seed: 7, ...over,
});

/** The actions other than what is shown to the host (emits) and loops re-checking (wake). */
const effects = (actions: VolunteerAction[]) => actions.filter((a) => a.type !== 'emit' && a.type !== 'wake');
const statuses = (actions: VolunteerAction[]) => actions.flatMap((a) => (a.type === 'emit' && a.event.type === 'status' ? [a.event.status] : []));

/** A machine that joined run-1, prepared its model and was acknowledged ready. */
function readyMachine(): VolunteerMachine {
  const m = new VolunteerMachine();
  m.start();
  m.connected();
  m.joined(joinReply());
  m.prepared('run-1');
  m.readied('run-1', true);
  return m;
}

describe('VolunteerMachine', () => {
  it('joins on connect, prepares the run once, then says ready', () => {
    const m = new VolunteerMachine();
    expect(statuses(m.start())).toEqual(['connecting']);
    expect(effects(m.connected())).toEqual([{ type: 'join', resumeToken: undefined }]);
    expect(m.connected()).toEqual([]); // a join is under way
    expect(effects(m.joined(joinReply()))).toEqual([{ type: 'drop-trainer' }, { type: 'prepare', runId: 'run-1' }]);
    expect(effects(m.runState(run()))).toEqual([]); // the same run, already being entered on this connection
    expect(effects(m.prepared('run-1'))).toEqual([{ type: 'ready', runId: 'run-1' }]);
    expect(statuses(m.readied('run-1', true))).toEqual(['waiting']);
  });

  it('waits for an organiser when the server has no open run, and enters the run it creates', () => {
    const m = new VolunteerMachine();
    m.connected();
    expect(statuses(m.joined(joinReply(null)))).toEqual(['no-run']);
    expect(effects(m.runState(run({ state: 'created' })))).toEqual([{ type: 'drop-trainer' }, { type: 'prepare', runId: 'run-1' }]);
  });

  it('keeps a round that starts while the model downloads, and trains it once prepared', () => {
    const m = new VolunteerMachine();
    m.connected();
    m.joined(joinReply());
    expect(m.roundStart(roundStart())).toEqual([]);
    const actions = m.prepared('run-1');
    expect(effects(actions)).toEqual([{ type: 'ready', runId: 'run-1' }, { type: 'train', round: roundStart(), generation: expect.any(Number), fromGlobal: true }]);
  });

  it('trains a round from the global adapter, ignores the same round:start twice, and counts the steps', () => {
    const m = readyMachine();
    const [train] = effects(m.roundStart(roundStart()));
    expect(train).toMatchObject({ type: 'train', fromGlobal: true });
    const generation = (train as Extract<VolunteerAction, { type: 'train' }>).generation;
    expect(m.isLive(generation)).toBe(true);
    expect(m.roundStart(roundStart())).toEqual([]);
    const step = m.stepDone(1, 0, 3, 2.5, 100, 2);
    expect(step).toEqual([{ type: 'emit', event: { type: 'step', round: 1, step: 0, localSteps: 3, loss: 2.5, tokens: 100, tokensPerSecond: 50, seconds: 2 } }]);
    expect(m.progress).toEqual({ round: 1, stepsDone: 1, tokens: 100, lossSum: 250, seconds: 2 });
    expect(m.reportedState()).toEqual({ state: 'idle', tokensPerSecond: 0 });
    m.setStatus('training', 'training round 1 of 2');
    expect(m.reportedState()).toEqual({ state: 'training', tokensPerSecond: 50 });
  });

  it('continues a round where it was after a reconnect, without reloading the adapter', () => {
    const m = readyMachine();
    const first = effects(m.roundStart(roundStart()))[0] as Extract<VolunteerAction, { type: 'train' }>;
    m.stepDone(1, 0, 3, 2, 10, 1);
    m.stepDone(1, 1, 3, 2, 10, 1);
    expect(statuses(m.disconnected('transport close'))).toEqual(['reconnecting']);
    expect(m.isLive(first.generation)).toBe(false);
    expect(effects(m.connected())).toEqual([{ type: 'join', resumeToken: 'token-1' }]);
    expect(effects(m.joined({ ...joinReply(), resumed: true }))).toEqual([{ type: 'ready', runId: 'run-1' }]); // the model is kept
    m.readied('run-1', false);
    const again = effects(m.roundStart(roundStart({ firstStep: 2 })));
    expect(again).toEqual([{ type: 'train', round: roundStart({ firstStep: 2 }), generation: expect.any(Number), fromGlobal: false }]);
    expect(m.progress?.stepsDone).toBe(2);
    // A round:start at another step than the volunteer reached starts the round over from the adapter it carries.
    m.disconnected('transport close');
    m.connected();
    m.joined(joinReply());
    expect(effects(m.roundStart(roundStart({ firstStep: 1 })))[0]).toMatchObject({ fromGlobal: true });
    expect(m.progress).toEqual({ round: 1, stepsDone: 1, tokens: 0, lossSum: 0, seconds: 0 });
  });

  it('drops the old model for a new run and stops the old run\'s loop', () => {
    const m = readyMachine();
    const train = effects(m.roundStart(roundStart()))[0] as Extract<VolunteerAction, { type: 'train' }>;
    expect(effects(m.runState(run({ runId: 'run-2' })))).toEqual([{ type: 'drop-trainer' }, { type: 'prepare', runId: 'run-2' }]);
    expect(m.isLive(train.generation)).toBe(false);
    expect(m.progress).toBeNull();
    expect(m.roundStart(roundStart())).toEqual([]); // a late round of the old run
  });

  it('remembers statuses while paused and shows the last one on resume', () => {
    const m = readyMachine();
    expect(m.pause()).toContainEqual({ type: 'report-status' });
    expect(m.status).toBe('paused');
    expect(m.setStatus('training', 'training round 1 of 2')).toEqual([]);
    expect(m.reportedState().state).toBe('paused');
    expect(statuses(m.setStatus('reconnecting', 'lost'))).toEqual(['reconnecting']); // final statuses show at once
    m.setStatus('training', 'training round 1 of 2');
    const resumed = m.resume();
    expect(statuses(resumed)).toEqual(['training']);
    expect(resumed).toContainEqual({ type: 'wake' });
    expect(m.pause()).not.toEqual([]);
    expect(m.pause()).toEqual([]);
  });

  it('follows the organiser\'s pause through run states', () => {
    const m = readyMachine();
    m.runState(run({ state: 'paused' }));
    expect(m.runPaused).toBe(true);
    expect(m.runState(run({ state: 'training' }))).toContainEqual({ type: 'wake' });
    expect(m.runPaused).toBe(false);
  });

  it('joins again when the server lost the session, and says ready again', () => {
    const m = readyMachine();
    expect(effects(m.notJoined())).toEqual([{ type: 'join', resumeToken: 'token-1' }]);
    expect(m.notJoined()).toEqual([]); // that join is under way
    expect(effects(m.joined(joinReply()))).toEqual([{ type: 'ready', runId: 'run-1' }]);
  });

  it('prepares again after a failed preparation', () => {
    const m = new VolunteerMachine();
    m.connected();
    m.joined(joinReply());
    m.prepareFailed('run-1');
    expect(m.runId).toBeNull();
    m.disconnected('transport close');
    m.connected();
    expect(effects(m.joined(joinReply()))).toEqual([{ type: 'drop-trainer' }, { type: 'prepare', runId: 'run-1' }]);
  });

  it('finishes with its run, once', () => {
    const m = readyMachine();
    const actions = m.runState(run({ state: 'finished' }));
    expect(statuses(actions)).toEqual(['finished']);
    expect(effects(actions)).toEqual([{ type: 'finish', outcome: 'finished' }]);
    expect(m.over).toBe(true);
    expect(m.fatal('late error')).toEqual([]);
    expect(statuses(m.disconnected('io client disconnect'))).toEqual([]); // no "reconnecting" after the end
  });

  it('ends with an error, or when the volunteer leaves', () => {
    const failing = readyMachine();
    const actions = failing.fatal('your data gave no usable training examples');
    expect(actions[0]).toEqual({ type: 'emit', event: { type: 'error', message: 'your data gave no usable training examples', fatal: true } });
    expect(effects(actions)).toEqual([{ type: 'finish', outcome: 'error' }]);
    const leaving = readyMachine();
    leaving.leaving();
    expect(statuses(leaving.disconnected('io server disconnect'))).toEqual([]);
    const left = leaving.left();
    expect(statuses(left)).toEqual(['left']);
    expect(effects(left)).toEqual([{ type: 'finish', outcome: 'left' }]);
  });

  it('shows its place in line while another volunteer has the turn (method sl), for its own run only', () => {
    const m = readyMachine();
    const actions = m.turnNotice({ runId: 'run-1', round: 1, ahead: 2, turnsDone: 0, turns: 3 });
    expect(actions).toContainEqual({ type: 'emit', event: { type: 'turn', round: 1, ahead: 2, turnsDone: 0, turns: 3 } });
    expect(statuses(actions)).toEqual(['waiting']);
    expect(m.status).toBe('waiting');
    expect(m.turnNotice({ runId: 'run-2', round: 1, ahead: 1, turnsDone: 1, turns: 3 })).toEqual([]);
  });
});
