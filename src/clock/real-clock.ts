import { abortError, type Clock, type ClockHold, type TimerHandle } from './clock.js';

const noopHold: ClockHold = { release() {}, park() {}, unpark() {} };

/** Wall-clock time: used with real containerd, where container processes run in real time. */
export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  nowNanos(): bigint {
    // Date.now() is only millisecond-precise; add the sub-millisecond part of the monotonic clock.
    const sub = process.hrtime.bigint() % 1_000_000n;
    return BigInt(Date.now()) * 1_000_000n + sub;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const h = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.clearTimeout(h);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  hold(): ClockHold {
    return noopHold;
  }

  findHold(): ClockHold | undefined {
    return undefined;
  }

  runWithin<T>(_label: string | undefined, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  waitOn<T>(promise: Promise<T>): Promise<T> {
    return promise;
  }

  detached<T>(fn: () => T): T {
    return fn();
  }

  /** Cancel every pending timer (used when a run ends). */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
