// Per-address limits at the edge: how many connections one address holds open, and how many volunteer joins it
// makes per minute (a sliding window). Plain bookkeeping, no sockets or clocks inside.

export interface AddressLimitOptions {
  connectionsPerAddress: number;
  joinsPerMinute: number;
}

export const DEFAULT_ADDRESS_LIMITS: AddressLimitOptions = { connectionsPerAddress: 32, joinsPerMinute: 60 };

const MINUTE_MS = 60_000;

export class AddressLimits {
  private readonly open = new Map<string, number>();
  private readonly joins = new Map<string, number[]>();

  constructor(readonly options: AddressLimitOptions = DEFAULT_ADDRESS_LIMITS) {}

  /** Null when `address` may open one more connection, else why not. */
  connectionRefusal(address: string): string | null {
    const count = this.open.get(address) ?? 0;
    if (count < this.options.connectionsPerAddress) return null;
    return `too many connections from ${address} (${count} open, at most ${this.options.connectionsPerAddress} per address); close some tabs and try again`;
  }

  opened(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    const count = (this.open.get(address) ?? 0) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }

  connections(address: string): number {
    return this.open.get(address) ?? 0;
  }

  /** Counts a join of `address` at `now`; returns null when allowed, else why not (the refused join is not counted). */
  join(address: string, now: number): string | null {
    const recent = (this.joins.get(address) ?? []).filter((t) => now - t < MINUTE_MS);
    if (recent.length >= this.options.joinsPerMinute) {
      this.joins.set(address, recent);
      const waitS = Math.ceil((MINUTE_MS - (now - recent[0]!)) / 1000);
      return `too many joins from ${address} (at most ${this.options.joinsPerMinute} a minute); try again in ${waitS} s`;
    }
    recent.push(now);
    this.joins.set(address, recent);
    return null;
  }
}
