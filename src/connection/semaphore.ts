/** A counting semaphore: at most `limit` holders at once, FIFO. Keeps channels below sshd's MaxSessions. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Wait for a slot; returns the release function (call it exactly once). */
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter
      if (next) next();
      else this.active -= 1;
    };
  }

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }
}
