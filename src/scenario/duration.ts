/**
 * Durations in scenarios are written the way Kubernetes writes them: Go's `time.ParseDuration`
 * syntax (`90s`, `1m30s`, `500ms`, `1.5h`), which is also what a KubeletConfiguration file takes
 * for `syncFrequency` and friends. A learner who copies a value from a kubelet config gets what
 * they expect.
 *
 * crilab's clock ticks in whole milliseconds, so a duration must come out as a whole number of
 * milliseconds; `ns`/`us` are accepted only when they add up to that.
 */

/** Nanoseconds per unit, as in Go's `time` package (`µs` and `μs` are both accepted there). */
const UNIT_NANOS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1_000,
  'µs': 1_000,
  'μs': 1_000,
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
};

const NANOS_PER_MS = 1_000_000;

/** One `<number><unit>` component; Go allows `1.`, `.5` and digits without a fraction. */
const COMPONENT = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** The hint every duration error ends with, so that all of them read the same way. */
export const DURATION_HINT = 'a duration like 30s, 1m30s or 500ms';

export type DurationParse =
  | { ok: true; ms: number }
  | { ok: false; reason: 'syntax' | 'negative' | 'sub-millisecond' };

/**
 * Parses a Go-style duration into milliseconds. Like Go, a bare `0` is allowed; unlike Go,
 * negative durations are refused (nothing in a scenario runs backwards).
 */
export function parseDuration(text: string): DurationParse {
  const s = text.trim();
  if (s === '0') return { ok: true, ms: 0 };
  if (s.startsWith('-')) return { ok: false, reason: 'negative' };
  const body = s.startsWith('+') ? s.slice(1) : s;
  if (body === '') return { ok: false, reason: 'syntax' };
  let nanos = 0;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < body.length) {
    const at = COMPONENT.lastIndex;
    const m = COMPONENT.exec(body);
    if (m === null || m.index !== at) return { ok: false, reason: 'syntax' };
    const [, num, unit] = m;
    const perUnit = UNIT_NANOS[unit ?? ''];
    if (num === undefined || perUnit === undefined) return { ok: false, reason: 'syntax' };
    nanos += Number(num) * perUnit;
  }
  const ms = nanos / NANOS_PER_MS;
  // Floating-point fractions such as 1.1s land a hair off a whole millisecond.
  const rounded = Math.round(ms);
  if (Math.abs(ms - rounded) > 1e-6) return { ok: false, reason: 'sub-millisecond' };
  if (!Number.isSafeInteger(rounded)) return { ok: false, reason: 'syntax' };
  return { ok: true, ms: rounded };
}

/**
 * Formats milliseconds compactly in the same syntax (`1m30s`, `500ms`, `1.5s`, `2h`), so a
 * value printed by crilab can be pasted back into a scenario.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sMs = ms % 60_000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (sMs > 0) out += `${sMs % 1000 === 0 ? sMs / 1000 : (sMs / 1000).toString()}s`;
  return out;
}
