import { AsyncLocalStorage } from 'node:async_hooks';
import { abortError, type Clock, type ClockHold, type TimerHandle } from './clock.js';
import { TimerHeap } from './timer-heap.js';

/** 2026-01-01T00:00:00Z: a fixed start so that simulated runs are reproducible. */
export const DEFAULT_SIM_EPOCH = Date.UTC(2026, 0, 1, 0, 0, 0);

export interface SimClockOptions {
  /** Milliseconds since the Unix epoch at which simulated time starts. */
  start?: number;
}

type AdvanceListener = (from: number, to: number) => void;

/**
 * Virtual time. While any hold is open (a gRPC call in flight, say) time stands still; when
 * nothing is in flight and the event loop has gone quiet, the clock jumps straight to the next
 * timer and fires it. Timers fire one at a time, each after the work of the previous one has
 * settled, so a run is the same every time: ten minutes of kubelet time take milliseconds.
 */
export class SimClock implements Clock {
  readonly kind = 'sim' as const;
  private current: number;
  private subNanos = 0n;
  private lastNanosMs = -1;
  private nextId = 1;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private readonly cancelled = new Set<number>();
  private readonly holds = new Map<string, SimHold>();
  private busy = 0;
  private running = false;
  private checkScheduled = false;
  private readonly listeners = new Set<AdvanceListener>();
  private idleWaiters: Array<() => void> = [];
  /** The hold of the call whose work is running now (see runWithin). */
  private readonly callContext = new AsyncLocalStorage<SimHold>();

  constructor(opts: SimClockOptions = {}) {
    this.current = opts.start ?? DEFAULT_SIM_EPOCH;
  }

  now(): number {
    return this.current;
  }

  nowNanos(): bigint {
    // Successive readings within one simulated millisecond still increase, so that CRI
    // `created_at` orders sandboxes the way the kubelet expects (newest first).
    if (this.lastNanosMs !== this.current) {
      this.lastNanosMs = this.current;
      this.subNanos = 0n;
    } else {
      this.subNanos += 1n;
    }
    return BigInt(this.current) * 1_000_000n + this.subNanos;
  }

  setTimeout(fn: () => void, ms: number, label?: string): TimerHandle {
    const id = this.nextId++;
    const t = { id, due: this.current + Math.max(0, ms), seq: this.seq++, fn, ...(label ? { label } : {}) };
    this.heap.push(t);
    this.schedule();
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.cancelled.add(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal, label?: string): Promise<void> {
    const sleeping = new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        this.clearTimeout(h);
        reject(abortError());
      };
      const h = this.setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        ms,
        label,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return this.waitOn(sleeping);
  }

  runWithin<T>(label: string | undefined, fn: () => Promise<T>): Promise<T> {
    const hold = label === undefined ? undefined : this.holds.get(label);
    return hold ? this.callContext.run(hold, fn) : fn();
  }

  detached<T>(fn: () => T): T {
    return this.callContext.exit(fn);
  }

  waitOn<T>(promise: Promise<T>): Promise<T> {
    const hold = this.callContext.getStore();
    if (!hold) return promise;
    hold.park();
    return promise.finally(() => hold.unpark());
  }

  hold(label: string): ClockHold {
    const h = new SimHold(this, label);
    this.holds.set(label, h);
    this.busy++;
    return h;
  }

  findHold(label: string): ClockHold | undefined {
    return this.holds.get(label);
  }

  /** Number of pending (not cancelled) timers. */
  get pendingTimers(): number {
    return this.heap.size - this.cancelled.size;
  }

  /** Is real-time work in flight? */
  get inFlight(): number {
    return this.busy;
  }

  onAdvance(listener: AdvanceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start jumping from timer to timer whenever the process is idle. */
  start(): void {
    this.running = true;
    this.schedule();
  }

  /** Stop advancing and forget every timer. */
  stop(): void {
    this.running = false;
    this.heap.clear();
    this.cancelled.clear();
    this.flushIdle();
  }

  pause(): void {
    this.running = false;
  }

  /** Resolves the next time nothing is in flight and no timer is due now. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule(true);
    });
  }

  /** @internal */
  holdChanged(delta: number, label?: string): void {
    this.busy += delta;
    if (label !== undefined && delta < 0) {
      /* released: nothing else to do */
    }
    if (this.busy === 0) this.schedule();
  }

  /** @internal */
  forgetHold(label: string, h: SimHold): void {
    if (this.holds.get(label) === h) this.holds.delete(label);
  }

  private schedule(force = false): void {
    if (this.checkScheduled || (!this.running && !force)) return;
    this.checkScheduled = true;
    // Two turns of the event loop: promise chains and I/O callbacks that follow the last
    // released hold get to run (and perhaps open new holds) before time moves.
    setImmediate(() =>
      setImmediate(() => {
        this.checkScheduled = false;
        this.tick();
      }),
    );
  }

  private tick(): void {
    if (this.busy > 0) return; // a hold's release will schedule again
    // Skip cancelled timers at the top of the heap.
    let next = this.heap.peek();
    while (next && this.cancelled.has(next.id)) {
      this.heap.pop();
      this.cancelled.delete(next.id);
      next = this.heap.peek();
    }
    if (!this.running || !next) {
      this.flushIdle();
      return;
    }
    this.heap.pop();
    if (next.due > this.current) {
      const from = this.current;
      this.current = next.due;
      for (const l of this.listeners) l(from, this.current);
    }
    next.fn();
    this.schedule();
  }

  private flushIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * A hold counts as work in flight while it is open and not parked. Parks nest: a call that
 * waits on two clock timers at once stays parked until both are done.
 */
class SimHold implements ClockHold {
  private released = false;
  private parks = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly label: string,
  ) {}

  private get busy(): boolean {
    return !this.released && this.parks === 0;
  }

  release(): void {
    if (this.released) return;
    const wasBusy = this.busy;
    this.released = true;
    this.clock.forgetHold(this.label, this);
    if (wasBusy) this.clock.holdChanged(-1, this.label);
  }

  park(): void {
    const wasBusy = this.busy;
    this.parks++;
    if (wasBusy) this.clock.holdChanged(-1);
  }

  unpark(): void {
    if (this.parks === 0) return;
    this.parks--;
    if (this.busy) this.clock.holdChanged(+1);
  }
}
