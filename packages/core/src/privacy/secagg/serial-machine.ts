// Base of the secure-aggregation state machines: events are handled one at a time in arrival order (WebCrypto is
// async, so without this two messages could interleave inside one transition), and the phase is read-only outside.
export abstract class SerialMachine<Event, Action, Phase extends string> {
  protected phaseNow: Phase;
  private queue: Promise<unknown> = Promise.resolve();

  protected constructor(initial: Phase) {
    this.phaseNow = initial;
  }

  get phase(): Phase {
    return this.phaseNow;
  }

  /** Handles one event after every event given before it; resolves to the actions it produced. */
  handle(event: Event): Promise<Action[]> {
    const next = this.queue.then(() => this.process(event));
    this.queue = next.catch(() => undefined);
    return next;
  }

  protected abstract process(event: Event): Promise<Action[]>;
}
