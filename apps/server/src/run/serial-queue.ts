// Runs async jobs one at a time, in order: the server's model work (steps, evaluation, generation) never interleaves.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;
  /** Milliseconds spent running jobs (the server's busy time, for load measurements). */
  busyMs = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.depth++;
    const timed = async () => {
      const started = performance.now();
      try {
        return await job();
      } finally {
        this.busyMs += performance.now() - started;
      }
    };
    const result = this.tail.then(timed, timed);
    this.tail = result.then(() => {}, () => {}).finally(() => this.depth--);
    return result;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.depth;
  }
}
