// SFL-V2's batching: activations that arrive together are fused into one server step. A batch is processed when
// every client still training has sent its next step, or when the fusion window since the first arrival ends.

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
   */
  constructor(
    private readonly process: (items: T[]) => Promise<R[]>,
    private readonly windowMs: number,
    private readonly expected: () => number,
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
    const group = this.pending;
    this.pending = [];
    try {
      const results = await this.process(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      group.forEach((p) => p.reject(error));
    } finally {
      this.busy = false;
      if (this.pending.length > 0) this.flushSoon(this.pending.length >= this.expected() ? 0 : this.windowMs);
    }
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
