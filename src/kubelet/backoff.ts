/**
 * A faithful model of client-go's `flowcontrol.Backoff` (client-go:util/flowcontrol/backoff.go),
 * the per-key exponential back-off the kubelet uses twice: CrashLoopBackOff (key = container)
 * and image pulls (key = pod UID + image). Time is passed in (ms), so it runs on the simulated
 * clock and tests step through it without timers.
 *
 * Semantics mirrored from upstream (no jitter: the kubelet builds both with `NewBackOff`):
 * - `next(key, eventTime)`: no entry, or the entry has expired → start at `initial`; otherwise
 *   double, capped at `max`. Either way `lastUpdate = now` (the clock's now, NOT eventTime).
 * - `isInBackOffSince(key, eventTime)`: entry exists, not expired, and `now − eventTime < delay`.
 *   The kubelet asks this with the container's `finishedAt`.
 * - `isInBackOffSinceUpdate(key, eventTime)`: entry exists, not expired, and
 *   `eventTime − lastUpdate < delay`. The image manager asks this with `now`.
 * - expiry: `hasExpired(eventTime, lastUpdate, max)`; default `eventTime − lastUpdate > 2×max`,
 *   replaced by a `hasExpiredFunc` when given. The kubelet replaces it for the crash-loop
 *   back-off only: `eventTime − lastUpdate > 600 s` (k8s:pkg/kubelet/kubelet.go). With the
 *   defaults (max 300 s) both rules give 600 s, but they differ when max is configured.
 * - `gc()`: drops every entry with `hasExpired(now, lastUpdate, max)`.
 */

import {
  containerBackOffPeriodMs,
  crashLoopBackOffResetMs,
  defaultBackOffExpiryMaxMultiplier,
  imageBackOffPeriodMs,
  MaxContainerBackOffMs,
  MaxImageBackOffMs,
} from './constants.js';

export interface BackoffEntry {
  /** Current delay, ms. */
  backoffMs: number;
  /** Clock time of the last `next()`, ms. */
  lastUpdateMs: number;
}

/** Decides whether an entry is stale enough to start over. Arguments in ms. */
export type HasExpiredFunc = (eventTimeMs: number, lastUpdateMs: number, maxMs: number) => boolean;

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** The clock's now, in ms. Backoff never reads real time. */
  now: () => number;
  hasExpiredFunc?: HasExpiredFunc;
}

/** client-go's default rule: stable once it has been fine for twice the max duration. */
export const defaultHasExpired: HasExpiredFunc = (eventTimeMs, lastUpdateMs, maxMs) =>
  eventTimeMs - lastUpdateMs > maxMs * defaultBackOffExpiryMaxMultiplier;

/** The kubelet's crash-loop override (k8s:pkg/kubelet/kubelet.go `HasExpiredFunc`). */
export const crashLoopHasExpired: HasExpiredFunc = (eventTimeMs, lastUpdateMs) =>
  eventTimeMs - lastUpdateMs > crashLoopBackOffResetMs;

/** The parameters of one Backoff, without its entries — what the pure helpers below need. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  hasExpiredFunc?: HasExpiredFunc;
}

/** The kubelet's crash-loop policy: 10 s → 300 s, forgiven after 600 s (k8s:pkg/kubelet/kubelet.go). */
export const crashLoopBackOffPolicy: BackoffPolicy = {
  initialMs: containerBackOffPeriodMs,
  maxMs: MaxContainerBackOffMs,
  hasExpiredFunc: crashLoopHasExpired,
};

/** The kubelet's image-pull policy: 10 s → 300 s, client-go's default expiry (2 × max). */
export const imageBackOffPolicy: BackoffPolicy = { initialMs: imageBackOffPeriodMs, maxMs: MaxImageBackOffMs };

function expired(policy: BackoffPolicy, eventTimeMs: number, lastUpdateMs: number): boolean {
  return (policy.hasExpiredFunc ?? defaultHasExpired)(eventTimeMs, lastUpdateMs, policy.maxMs);
}

/** Pure `Next` for one entry: start at initial (none / expired) or double up to max; stamp now. */
export function nextBackoffEntry(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  eventTimeMs: number,
  nowMs: number,
): BackoffEntry {
  const backoffMs =
    !entry || expired(policy, eventTimeMs, entry.lastUpdateMs) ? policy.initialMs : Math.min(entry.backoffMs * 2, policy.maxMs);
  return { backoffMs, lastUpdateMs: nowMs };
}

/** Pure `IsInBackOffSince` for one entry. */
export function entryInBackOffSince(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  eventTimeMs: number,
  nowMs: number,
): boolean {
  if (!entry || expired(policy, eventTimeMs, entry.lastUpdateMs)) return false;
  return nowMs - eventTimeMs < entry.backoffMs;
}

/** Pure `IsInBackOffSinceUpdate` for one entry. */
export function entryInBackOffSinceUpdate(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  eventTimeMs: number,
): boolean {
  if (!entry || expired(policy, eventTimeMs, entry.lastUpdateMs)) return false;
  return eventTimeMs - entry.lastUpdateMs < entry.backoffMs;
}

/** Per-key back-off entries over the pure helpers above, with an injected clock. */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly policy: BackoffPolicy;
  private readonly now: () => number;
  private readonly entries = new Map<string, BackoffEntry>();

  constructor(options: BackoffOptions) {
    this.initialMs = options.initialMs;
    this.maxMs = options.maxMs;
    this.now = options.now;
    this.policy = {
      initialMs: options.initialMs,
      maxMs: options.maxMs,
      ...(options.hasExpiredFunc ? { hasExpiredFunc: options.hasExpiredFunc } : {}),
    };
  }

  /** Current delay for `key` in ms; 0 when there is no entry (upstream `Get`). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** A copy of the entry, for display and tests. */
  entry(key: string): BackoffEntry | undefined {
    const e = this.entries.get(key);
    return e ? { ...e } : undefined;
  }

  /** Move `key` to its next delay (upstream `Next`). */
  next(key: string, eventTimeMs: number): void {
    this.entries.set(key, nextBackoffEntry(this.policy, this.entries.get(key), eventTimeMs, this.now()));
  }

  /** Forget `key` (upstream `Reset`; `DeleteEntry` is the same). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** True while `now − eventTime` is shorter than the current delay (upstream `IsInBackOffSince`). */
  isInBackOffSince(key: string, eventTimeMs: number): boolean {
    return entryInBackOffSince(this.policy, this.entries.get(key), eventTimeMs, this.now());
  }

  /** True while `eventTime − lastUpdate` is shorter than the current delay
   *  (upstream `IsInBackOffSinceUpdate`). */
  isInBackOffSinceUpdate(key: string, eventTimeMs: number): boolean {
    return entryInBackOffSinceUpdate(this.policy, this.entries.get(key), eventTimeMs);
  }

  /** Drop entries that have expired as of now (upstream `GC`). */
  gc(): void {
    const now = this.now();
    for (const [key, e] of this.entries) {
      if (expired(this.policy, now, e.lastUpdateMs)) this.entries.delete(key);
    }
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** The kubelet's crash-loop Backoff: 10 s → 300 s, reset after 600 s (k8s:pkg/kubelet/kubelet.go). */
export function newCrashLoopBackOff(now: () => number): Backoff {
  return new Backoff({ ...crashLoopBackOffPolicy, now });
}

/** The kubelet's image-pull Backoff: 10 s → 300 s, client-go's default expiry (2 × max). */
export function newImageBackOff(now: () => number): Backoff {
  return new Backoff({ ...imageBackOffPolicy, now });
}

/**
 * Go's `time.Duration.String()` for a whole number of milliseconds, because the kubelet prints
 * delays with `%s`: 10 s → "10s", 80 s → "1m20s", 300 s → "5m0s", 1.5 s → "1.5s", 0 → "0s".
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const negative = ms < 0;
  let rest = Math.abs(Math.round(ms));
  const sign = negative ? '-' : '';
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const secondsWhole = Math.floor(rest / 1000);
  const millis = rest - secondsWhole * 1000;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
  const seconds = `${secondsWhole}${fraction}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
