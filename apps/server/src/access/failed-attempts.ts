// Wrong admin tokens: after `maxFailures` in a window an address is refused without checking for `lockMs`, and the
// log gets one line per burst (the first failure, then a summary when the burst ends), not one per attempt.

export interface FailedAttemptOptions {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_FAILED_ATTEMPTS: FailedAttemptOptions = { maxFailures: 10, windowMs: 60_000, lockMs: 60_000 };

interface Burst {
  first: number;
  last: number;
  failures: number;
  lockedUntil: number;
}

export class FailedAttempts {
  private readonly bursts = new Map<string, Burst>();

  constructor(private readonly options: FailedAttemptOptions = DEFAULT_FAILED_ATTEMPTS) {}

  /** Null when `address` may try a token now; else the refusal for the client. */
  locked(address: string, now: number): string | null {
    const burst = this.bursts.get(address);
    if (burst === undefined || burst.lockedUntil <= now) return null;
    return `too many wrong admin tokens from this address; try again in ${Math.ceil((burst.lockedUntil - now) / 1000)} s`;
  }

  /** Records a wrong token; returns the log line to write, if this failure starts a burst. */
  failed(address: string, now: number): string | null {
    let burst = this.bursts.get(address);
    if (burst !== undefined && now - burst.last > this.options.windowMs) burst = undefined;
    if (burst === undefined) {
      this.bursts.set(address, { first: now, last: now, failures: 1, lockedUntil: 0 });
      return `admin connection refused from ${address}: wrong or missing token (further failures from it are summed up)`;
    }
    burst.failures++;
    burst.last = now;
    if (burst.failures >= this.options.maxFailures && burst.lockedUntil <= now) burst.lockedUntil = now + this.options.lockMs;
    return null;
  }

  /** A right token ends the address's burst. */
  succeeded(address: string): void {
    this.bursts.delete(address);
  }

  /** Ends the bursts quiet for a window; returns one summary line per burst of more than one failure. */
  sweep(now: number): string[] {
    const lines: string[] = [];
    for (const [address, burst] of this.bursts) {
      if (now - burst.last <= this.options.windowMs || burst.lockedUntil > now) continue;
      this.bursts.delete(address);
      if (burst.failures > 1) lines.push(`${burst.failures} wrong admin tokens from ${address} between ${new Date(burst.first).toISOString()} and ${new Date(burst.last).toISOString()}`);
    }
    return lines;
  }
}
