// The round state machine: waiting → training → aggregating → next, closing rules, stale steps, dropouts, pause.
import { describe, expect, it } from 'vitest';
import { type MachineAction, RoundMachine } from './round-machine.js';

const config = { rounds: 2, localSteps: 2, minClients: 2, maxClients: 3, roundTimeoutMs: 10_000, graceMs: 1000 };
const types = (actions: MachineAction[]) => actions.map((a) => a.type);

function trainAll(m: RoundMachine, ids: string[], now: number): MachineAction[] {
  let last: MachineAction[] = [];
  for (const id of ids) {
    for (let s = 0; s < config.localSteps; s++) {
      expect(m.checkStep(id, m.round, s)).toEqual({ ok: true });
      m.stepDone(id);
    }
    expect(m.checkUpdate(id, m.round, config.localSteps)).toEqual({ ok: true });
    last = m.reported(id, 100, now);
  }
  return last;
}

describe('RoundMachine', () => {
  it('waits for min clients, trains, aggregates and finishes after the last round', () => {
    const m = new RoundMachine(config);
    expect(types(m.start(0))).toEqual(['state']);
    expect(m.state).toBe('waiting');
    expect(m.clientReady('a', 1)).toEqual([]);
    const started = m.clientReady('b', 2);
    expect(started).toContainEqual({ type: 'startRound', round: 1, participants: ['a', 'b'] });
    expect(m.state).toBe('training');
    const closing = trainAll(m, ['a', 'b'], 3);
    expect(closing).toContainEqual({ type: 'aggregate', round: 1, reporters: ['a', 'b'] });
    expect(m.state).toBe('aggregating');
    expect(m.aggregated(4)).toContainEqual({ type: 'startRound', round: 2, participants: ['a', 'b'] });
    trainAll(m, ['a', 'b'], 5);
    expect(m.aggregated(6)).toContainEqual({ type: 'finished', state: 'finished' });
    expect(m.completedRounds).toBe(2);
  });

  it('selects at most maxClients; the others wait for the next round', () => {
    const m = new RoundMachine(config);
    m.start(0);
    ['a', 'b'].forEach((id) => m.clientReady(id, 0));
    expect(m.participants.size).toBe(2);
    m.clientReady('c', 1);
    expect(m.ready.has('c')).toBe(true);
    expect(m.checkStep('c', 1, 0)).toMatchObject({ ok: false, code: 'NOT_SELECTED' });
  });

  it('rejects stale rounds, out-of-order and replayed steps, and early updates', () => {
    const m = new RoundMachine(config);
    m.start(0);
    m.clientReady('a', 0);
    m.clientReady('b', 0);
    expect(m.checkStep('a', 2, 0)).toMatchObject({ ok: false, code: 'STALE' });
    expect(m.checkStep('a', 1, 1)).toMatchObject({ ok: false, code: 'STALE', message: 'step 1 out of order: expected step 0' });
    m.stepDone('a');
    expect(m.checkStep('a', 1, 0)).toMatchObject({ ok: false, code: 'STALE' });
    expect(m.checkUpdate('a', 1, 2)).toMatchObject({ ok: false, code: 'STALE' });
  });

  it('goes on without a participant that disconnects and does not come back within the grace period', () => {
    const m = new RoundMachine(config);
    m.start(0);
    ['a', 'b', 'c'].forEach((id) => m.clientReady(id, 0));
    expect(m.participants.size).toBe(2); // maxClients 3, but the round started as soon as 2 were ready
    m.clientReady('c', 0);
    trainAll(m, ['a', 'b'], 1);
    m.aggregated(2);
    expect([...m.participants.keys()].sort()).toEqual(['a', 'b', 'c']);
    trainAll(m, ['a', 'b'], 3);
    expect(m.state).toBe('training'); // c has not reported
    m.clientGone('c', 4);
    expect(m.tick(500)).toEqual([]);
    const actions = m.tick(1004);
    expect(actions).toContainEqual({ type: 'dropParticipant', round: 2, id: 'c', reason: 'disconnected' });
    expect(actions).toContainEqual({ type: 'aggregate', round: 2, reporters: ['a', 'b'] });
  });

  it('lets a participant that reconnects within the grace period continue where it was', () => {
    const m = new RoundMachine(config);
    m.start(0);
    m.clientReady('a', 0);
    m.clientReady('b', 0);
    m.stepDone('a');
    m.clientGone('a', 10);
    expect(m.clientReady('a', 500)).toEqual([{ type: 'resumeParticipant', round: 1, id: 'a', firstStep: 1 }]);
    expect(m.tick(5000)).toEqual([]);
    expect(m.checkStep('a', 1, 1)).toEqual({ ok: true });
  });

  it('closes at the timeout with the reporters, else restarts the round', () => {
    const m = new RoundMachine({ ...config, minClients: 1, maxClients: 2 });
    m.start(0);
    m.clientReady('a', 0);
    expect(m.participants.size).toBe(1);
    m.clientReady('b', 0);
    trainAll(m, ['a'], 1);
    m.aggregated(2);
    trainAll(m, ['a'], 3);
    const actions = m.tick(2 + 10_000);
    expect(actions).toContainEqual({ type: 'dropParticipant', round: 2, id: 'b', reason: 'round timeout' });
    expect(actions).toContainEqual({ type: 'aggregate', round: 2, reporters: ['a'] });

    const m2 = new RoundMachine(config);
    m2.start(0);
    m2.clientReady('a', 0);
    m2.clientReady('b', 0);
    m2.checkStep('a', 1, 0);
    m2.stepDone('a');
    const restart = m2.tick(10_000);
    expect(types(restart)).toContain('restartRound');
    expect(m2.round).toBe(1); // the same round starts again with whoever is ready
  });

  it('keeps the reporters\' work at the timeout when a participant never reports, even below minClients', () => {
    const m = new RoundMachine({ ...config, minClients: 2, maxClients: 2 });
    m.start(0);
    m.clientReady('a', 0);
    m.clientReady('b', 0);
    trainAll(m, ['a'], 1);
    const actions = m.tick(10_000);
    expect(actions).toContainEqual({ type: 'dropParticipant', round: 1, id: 'b', reason: 'round timeout' });
    expect(actions).toContainEqual({ type: 'aggregate', round: 1, reporters: ['a'] });
    expect(types(actions)).not.toContain('restartRound');
  });

  it('pauses: steps are refused, the timeout clock stops, and resume continues', () => {
    const m = new RoundMachine(config);
    m.start(0);
    m.clientReady('a', 0);
    m.clientReady('b', 0);
    m.pause(1000);
    expect(m.checkStep('a', 1, 0)).toMatchObject({ ok: false, code: 'RUN_STATE', message: 'the run is paused' });
    expect(m.tick(50_000)).toEqual([]);
    m.resume(60_000);
    expect(m.state).toBe('training');
    expect(m.tick(65_000)).toEqual([]); // 1 s before pause + 5 s after resume < 10 s timeout
    expect(m.checkStep('a', 1, 0)).toEqual({ ok: true });
  });

  it('stops, and refuses everything afterwards', () => {
    const m = new RoundMachine(config);
    m.start(0);
    expect(m.stop()).toContainEqual({ type: 'finished', state: 'stopped' });
    expect(m.clientReady('a', 1)).toEqual([]);
    expect(m.checkStep('a', 1, 0)).toMatchObject({ ok: false, code: 'RUN_STATE' });
  });

  it('resumes a run from its last completed round', () => {
    const m = new RoundMachine(config, 1);
    m.start(0);
    m.clientReady('a', 0);
    expect(m.clientReady('b', 0)).toContainEqual({ type: 'startRound', round: 2, participants: ['a', 'b'] });
  });
});
