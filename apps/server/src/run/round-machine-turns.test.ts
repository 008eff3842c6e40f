// The round machine of a sequential run (method sl): one turn at a time, steps and updates of the others refused
// with NOT_YOUR_TURN, a volunteer that leaves or times out on its turn skipped, the round closing after the last turn.
import { describe, expect, it } from 'vitest';
import { type MachineAction, RoundMachine } from './round-machine.js';

const config = { rounds: 2, localSteps: 2, minClients: 1, maxClients: 3, roundTimeoutMs: 10_000, graceMs: 1000, sequential: true };

function machineWith(ids: string[]): { m: RoundMachine; opened: MachineAction[] } {
  const m = new RoundMachine({ ...config, minClients: ids.length });
  m.start(0);
  let opened: MachineAction[] = [];
  for (const id of ids) opened = m.clientReady(id, 1);
  return { m, opened };
}

function trainTurn(m: RoundMachine, id: string, now: number): MachineAction[] {
  for (let s = 0; s < config.localSteps; s++) {
    expect(m.checkStep(id, m.round, s)).toEqual({ ok: true });
    m.stepDone(id);
  }
  expect(m.checkUpdate(id, m.round, config.localSteps)).toEqual({ ok: true });
  return m.reported(id, 100, now);
}

describe('RoundMachine, sequential', () => {
  it('opens the round, starts the first turn, and tells the others their place; each report starts the next turn', () => {
    const { m, opened } = machineWith(['a', 'b', 'c']);
    expect(opened).toEqual([
      { type: 'state', state: 'training' }, { type: 'openRound', round: 1, participants: ['a', 'b', 'c'] },
      { type: 'startTurn', round: 1, id: 'a' }, { type: 'turnNotices', round: 1, ids: ['b', 'c'] },
    ]);
    expect(trainTurn(m, 'a', 2)).toEqual([{ type: 'startTurn', round: 1, id: 'b' }, { type: 'turnNotices', round: 1, ids: ['c'] }]);
    expect(trainTurn(m, 'b', 3)).toEqual([{ type: 'startTurn', round: 1, id: 'c' }]);
    expect(trainTurn(m, 'c', 4)).toEqual([{ type: 'state', state: 'aggregating' }, { type: 'aggregate', round: 1, reporters: ['a', 'b', 'c'] }]);
    expect(m.aggregated(5)).toContainEqual({ type: 'openRound', round: 2, participants: ['a', 'b', 'c'] });
    expect(m.turns?.current).toBe('a');
  });

  it('refuses steps and updates of a volunteer whose turn it is not, saying whose turn it is', () => {
    const { m } = machineWith(['a', 'b', 'c']);
    expect(m.checkStep('c', 1, 0)).toEqual({ ok: false, code: 'NOT_YOUR_TURN', message: 'round 1 is a\'s turn; yours comes after 2 more turn(s)' });
    expect(m.checkUpdate('b', 1, config.localSteps)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
    trainTurn(m, 'a', 2);
    expect(m.checkStep('a', 1, 0)).toMatchObject({ ok: false, code: 'STALE' }); // its turn is over
    expect(m.checkStep('b', 1, 0)).toEqual({ ok: true });
  });

  it('skips a volunteer that leaves on its turn (after the grace period) and one that left before its turn', () => {
    const { m } = machineWith(['a', 'b', 'c']);
    m.checkStep('a', 1, 0);
    m.stepDone('a');
    m.clientGone('a', 10);
    expect(m.clientGone('c', 10)).toEqual([]);
    const after = m.tick(10 + config.graceMs);
    expect(after).toEqual([
      { type: 'dropParticipant', round: 1, id: 'a', reason: 'disconnected' }, { type: 'dropParticipant', round: 1, id: 'c', reason: 'disconnected' },
      { type: 'startTurn', round: 1, id: 'b' },
    ]);
    expect(trainTurn(m, 'b', 2000)).toEqual([{ type: 'state', state: 'aggregating' }, { type: 'aggregate', round: 1, reporters: ['b'] }]);
    expect(m.turns?.state().skipped).toEqual(['a', 'c']);
  });

  it('skips a turn that runs past the timeout; the timeout counts per turn, not per round', () => {
    const { m } = machineWith(['a', 'b']);
    expect(m.tick(config.roundTimeoutMs - 1)).toEqual([]);
    expect(trainTurn(m, 'a', config.roundTimeoutMs - 1)).toEqual([{ type: 'startTurn', round: 1, id: 'b' }]);
    expect(m.tick(2 * config.roundTimeoutMs - 2)).toEqual([]); // b's turn began at timeout - 1: within its own time
    expect(m.tick(2 * config.roundTimeoutMs)).toEqual([
      { type: 'dropParticipant', round: 1, id: 'b', reason: 'turn timeout' }, { type: 'state', state: 'aggregating' }, { type: 'aggregate', round: 1, reporters: ['a'] },
    ]);
  });

  it('tells a waiting volunteer that comes back its place in line, and sends the round again to the one whose turn it is', () => {
    const { m } = machineWith(['a', 'b']);
    m.clientGone('b', 5);
    expect(m.clientReady('b', 6)).toEqual([{ type: 'turnNotices', round: 1, ids: ['b'] }]);
    m.checkStep('a', 1, 0);
    m.stepDone('a');
    m.clientGone('a', 7);
    expect(m.clientReady('a', 8)).toEqual([{ type: 'resumeParticipant', round: 1, id: 'a', firstStep: 1 }]);
  });
});
