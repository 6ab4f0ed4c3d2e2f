/**
 * Every timer in crilab goes through a Clock: the kubelet's sync loop, the PLEG relist,
 * back-off windows, grace periods, probes, and a container's `sleep`. Two implementations:
 * SimClock (virtual time that jumps to the next timer when nothing is in flight) and
 * RealClock (wall time, for containerd and live mode).
 */

export interface TimerHandle {
  readonly id: number;
}

/** A hold marks real-time work in flight (a gRPC call); the simulated clock does not jump while one is open. */
export interface ClockHold {
  release(): void;
  /** Park the hold while the work it covers waits on this clock; parks nest (each needs an unpark). */
  park(): void;
  unpark(): void;
}

export interface Clock {
  readonly kind: 'sim' | 'real';
  /** Milliseconds since the Unix epoch, on this clock. */
  now(): number;
  /** Nanoseconds since the Unix epoch, as CRI timestamps are (`created_at`, `started_at`…). */
  nowNanos(): bigint;
  setTimeout(fn: () => void, ms: number, label?: string): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` on this clock; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal, label?: string): Promise<void>;
  /** Open a hold for work that takes real time; see ClockHold. */
  hold(label: string): ClockHold;
  /** Look up an open hold by label (the server side of an in-process gRPC call parks its caller's hold). */
  findHold(label: string): ClockHold | undefined;
  /**
   * Run `fn` on behalf of the hold `label` (a CRI call being served). While work started inside
   * waits on this clock — a sleep, or a promise passed to `waitOn` — the hold is parked, so
   * simulated time may pass; the rest of the time it counts as work in flight.
   */
  runWithin<T>(label: string | undefined, fn: () => Promise<T>): Promise<T>;
  /** Wait for a promise that only this clock's timers can settle (a shared pull, a process exit). */
  waitOn<T>(promise: Promise<T>): Promise<T>;
  /**
   * Run `fn` outside any call: what it starts (a container's main process) lives on after the
   * call that started it, and its sleeps must not count as that call waiting.
   */
  detached<T>(fn: () => T): T;
}

/**
 * One shared instance: callers only look at its name ('AbortError'), and a fresh Error per
 * aborted wait — the `sleep` of every container that is killed, a stop's deadline, a simulated
 * process's waits when it dies — spends most of its cost on a stack trace nobody reads.
 */
const ABORT_ERROR: Error = (() => {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
})();

/** The error a sleep (or a simulated process's wait) rejects with when its signal aborts. */
export function abortError(): Error {
  return ABORT_ERROR;
}

/** Format a clock time as RFC 3339 with nanoseconds, as containerd writes log timestamps. */
export function rfc3339Nano(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2026-01-01T00:00:00.000Z
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}
