/**
 * Defensive readers for CRI and Kubernetes payloads. Messages arrive as protobuf JSON
 * (camelCase, int64 as strings, enums as names) from code the UI does not own, and recordings
 * may come from older versions: a missing or odd field must degrade the display, never crash it.
 */

export type Path = readonly (string | number)[];

export function at(value: unknown, path: Path): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

/** A non-empty string at `path`, or undefined. Numbers are accepted and printed. */
export function str(value: unknown, path: Path): string | undefined {
  const v = at(value, path);
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** A number at `path`; int64 fields arrive as strings in protobuf JSON, so parse those too. */
export function num(value: unknown, path: Path): number | undefined {
  const v = at(value, path);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function arr(value: unknown, path: Path): unknown[] {
  const v = at(value, path);
  return Array.isArray(v) ? v : [];
}

export function bool(value: unknown, path: Path): boolean | undefined {
  const v = at(value, path);
  return typeof v === 'boolean' ? v : undefined;
}

/** Parse a JSON string without throwing (verbose `info` maps carry JSON as strings). */
export function parseJsonSafe(s: unknown): unknown {
  if (typeof s !== 'string') return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** Milliseconds since the epoch from an RFC 3339 string, or undefined. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A Go duration as the kubelet prints it in back-off messages (`10s`, `1m20s`, `5m0s`,
 * `2.5s`), in milliseconds.
 */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length > 0 && matched === s ? total : undefined;
}

/**
 * Protobuf JSON leaves out an enum field at its zero value, and in CRI's api.proto the zero
 * values are live states: `PodSandboxState` 0 is SANDBOX_READY and `ContainerState` 0 is
 * CONTAINER_CREATED. A status that has no `state` is in that state, not an unknown one.
 */
export const SANDBOX_STATE_ZERO = 'SANDBOX_READY';
export const CONTAINER_STATE_ZERO = 'CONTAINER_CREATED';

/** The `state` of a PodSandboxStatus/ContainerStatus (or a List* item), the zero value when left out. */
export function enumState(status: unknown, zero: string): string | undefined {
  if (!status || typeof status !== 'object') return undefined;
  return str(status, ['state']) ?? zero;
}
