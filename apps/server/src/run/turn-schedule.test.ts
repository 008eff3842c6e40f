// Sequential split learning's turn order: one volunteer at a time in join order, gone ones skipped, pauses not counted.
import { describe, expect, it } from 'vitest';
import { TurnSchedule } from './turn-schedule.js';

describe('TurnSchedule', () => {
  it('runs the turns in the given order and tells each volunteer how many turns are ahead of it', () => {
    const t = new TurnSchedule(1, ['a', 'b', 'c'], 0);
    expect(t.current).toBe('a');
    expect([t.aheadOf('a'), t.aheadOf('b'), t.aheadOf('c')]).toEqual([0, 1, 2]);
    expect(t.advance(10, 0, () => false)).toBe('b');
    expect([t.aheadOf('a'), t.aheadOf('b'), t.aheadOf('c')]).toEqual([null, 0, 1]);
    expect(t.advance(20, 0, () => false)).toBe('c');
    expect(t.advance(30, 0, () => false)).toBeNull();
    expect(t.state()).toEqual({ round: 1, current: null, order: ['a', 'b', 'c'], turnsDone: 3, skipped: [] });
  });

  it('skips a volunteer that left before its turn and one whose own turn is skipped', () => {
    const t = new TurnSchedule(2, ['a', 'b', 'c', 'd'], 0);
    expect(t.advance(5, 0, (id) => id === 'b')).toBe('c');
    expect(t.advance(6, 0, () => false, true)).toBe('d');
    expect(t.state().skipped).toEqual(['b', 'c']);
    expect(t.turnsDone).toBe(3);
  });

  it('measures a turn from its start, paused time left out', () => {
    const t = new TurnSchedule(1, ['a', 'b'], 100, 0);
    expect(t.turnElapsed(600, 0)).toBe(500);
    expect(t.turnElapsed(600, 300)).toBe(200);
    t.advance(1000, 300, () => false);
    expect(t.turnElapsed(1500, 300)).toBe(500);
    expect(t.turnElapsed(1500, 400)).toBe(400);
  });

  it('refuses a round without participants', () => {
    expect(() => new TurnSchedule(1, [], 0)).toThrow('round 1 has no participants');
  });
});
