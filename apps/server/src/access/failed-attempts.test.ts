// Wrong admin tokens: one log line per burst, a lock after too many, a summary when the burst ends.
import { describe, expect, it } from 'vitest';
import { FailedAttempts } from './failed-attempts.js';

describe('failed admin attempts', () => {
  it('logs the first failure of a burst only, locks after the limit, and sums the burst up afterwards', () => {
    const attempts = new FailedAttempts({ maxFailures: 5, windowMs: 1000, lockMs: 3000 });
    const lines = Array.from({ length: 110 }, (_, i) => attempts.failed('1.2.3.4', i));
    expect(lines.filter((l) => l !== null)).toEqual(['admin connection refused from 1.2.3.4: wrong or missing token (further failures from it are summed up)']);
    expect(attempts.locked('1.2.3.4', 110)).toMatch(/too many wrong admin tokens from this address; try again in 3 s/);
    expect(attempts.locked('5.6.7.8', 110)).toBeNull();
    expect(attempts.sweep(2000)).toEqual([]); // still locked
    expect(attempts.locked('1.2.3.4', 4000)).toBeNull();
    const summary = attempts.sweep(4000);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/^110 wrong admin tokens from 1\.2\.3\.4 between /);
    expect(attempts.failed('1.2.3.4', 5000)).not.toBeNull(); // a new burst is logged again
  });

  it('forgets the burst of an address that signs in', () => {
    const attempts = new FailedAttempts({ maxFailures: 2, windowMs: 1000, lockMs: 3000 });
    attempts.failed('a', 0);
    attempts.succeeded('a');
    attempts.failed('a', 1);
    expect(attempts.locked('a', 2)).toBeNull();
  });
});
