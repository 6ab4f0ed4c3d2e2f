/**
 * A counting semaphore for async work: at most `limit` jobs run at once, the rest wait in FIFO
 * order (so on the simulated clock the order stays the order of arrival). `limit` Infinity
 * never waits. Used for `serializeImagePulls` / `maxParallelImagePulls` and for how many pod
 * workers may sync at the same time.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`semaphore limit must be at least 1, got ${limit}`);
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    // A finished job hands its slot straight to the next waiter, so nobody can jump the queue.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get active(): number {
    return this.running;
  }
}
