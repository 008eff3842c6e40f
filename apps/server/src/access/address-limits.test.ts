// Per-address connection counts and the sliding one-minute join window.
import { describe, expect, it } from 'vitest';
import { AddressLimits } from './address-limits.js';

describe('address limits', () => {
  it('refuses a connection past the limit until one closes', () => {
    const limits = new AddressLimits({ connectionsPerAddress: 2, joinsPerMinute: 10 });
    limits.opened('a');
    expect(limits.connectionRefusal('a')).toBeNull();
    limits.opened('a');
    expect(limits.connectionRefusal('a')).toMatch(/too many connections from a \(2 open, at most 2/);
    expect(limits.connectionRefusal('b')).toBeNull();
    limits.closed('a');
    expect(limits.connectionRefusal('a')).toBeNull();
    expect(limits.connections('a')).toBe(1);
  });

  it('counts joins over a sliding minute and says when to try again', () => {
    const limits = new AddressLimits({ connectionsPerAddress: 2, joinsPerMinute: 3 });
    for (const t of [0, 10_000, 20_000]) expect(limits.join('a', t)).toBeNull();
    expect(limits.join('a', 30_000)).toMatch(/at most 3 a minute\); try again in 30 s/);
    expect(limits.join('b', 30_000)).toBeNull();
    expect(limits.join('a', 60_001)).toBeNull(); // the join at 0 left the window
    expect(limits.join('a', 60_002)).not.toBeNull();
  });
});
