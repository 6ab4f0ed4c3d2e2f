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
  /** Park the hold while the work it covers waits on this clock (e.g. a handler's simulated latency). */
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
}

export function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** Format a clock time as RFC 3339 with nanoseconds, as containerd writes log timestamps. */
export function rfc3339Nano(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2026-01-01T00:00:00.000Z
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}
