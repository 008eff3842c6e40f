// SFL-V2's batching: activations that arrive together are fused into one server step. A batch is processed when
// every client still training has sent its next step, or when the fusion window since the first arrival ends.
// A group never costs more than a limit (a fused step's memory and its time on the event loop grow with it):
// what does not fit goes into the next group, right after.

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class StepFuser<T, R> {
  private pending: Pending<T, R>[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;

  /**
   * @param process handles a group of items and returns one result per item, in order
   * @param expected how many items can be expected at most right now (clients still training)
   * @param groupCost the cost of processing these items together (a first item always goes, whatever its cost)
   * @param maxGroupCost the most a group may cost
   */
  constructor(
    private readonly process: (items: T[]) => Promise<R[]>,
    private readonly windowMs: number,
    private readonly expected: () => number,
    private readonly groupCost: (items: T[]) => number = (items) => items.length,
    private readonly maxGroupCost = Number.POSITIVE_INFINITY,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= Math.max(1, this.expected())) this.flushSoon(0);
      else if (this.timer === null) this.flushSoon(this.windowMs);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private async flush(): Promise<void> {
    if (this.busy || this.pending.length === 0) return;
    this.busy = true;
    const size = this.fitting();
    const group = this.pending.slice(0, size);
    this.pending = this.pending.slice(size);
    const leftOver = this.pending.length > 0;
    try {
      const results = await this.process(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      group.forEach((p) => p.reject(error));
    } finally {
      this.busy = false;
      if (this.pending.length > 0) this.flushSoon(leftOver || this.pending.length >= this.expected() ? 0 : this.windowMs);
    }
  }

  /** How many of the pending items, from the front, fit in one group (at least one). */
  private fitting(): number {
    let count = 1;
    while (count < this.pending.length && this.groupCost(this.pending.slice(0, count + 1).map((p) => p.item)) <= this.maxGroupCost) count++;
    return count;
  }

  /** Fails everything waiting (the run stopped or the round closed). */
  cancel(error: Error): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const group = this.pending;
    this.pending = [];
    group.forEach((p) => p.reject(error));
  }
}
