/**
 * asciinema asciicast v2 export of a headless transcript (`--cast FILE` on `run`, `record` and
 * `replay`), so a run can be shown in a talk, a README or a browser player without crilab.
 *
 * Format (docs.asciinema.org/manual/asciicast/v2): newline-delimited JSON; line 1 is the header
 * `{"version": 2, "width", "height", "timestamp"?, "idle_time_limit"?, "title"?, "env"?}`; every
 * later line is an event `[seconds since start, "o", text]`. Terminal output needs `\r\n`.
 *
 * Time is the trace's clock, compressed so that a cast is watchable: each line comes
 * `min(gap on the trace clock, IDLE_TIME_LIMIT_S) + LINE_DELAY_S` after the previous one, and a
 * step heading waits STEP_PAUSE_S more. A ten-minute CrashLoopBackOff wait plays in a few
 * seconds, while the order and the rhythm (what happened together, what came after a wait)
 * stay visible. The header carries the same `idle_time_limit` so players agree.
 */

/** Longest pause a cast shows for idle time on the trace clock, in seconds. */
export const IDLE_TIME_LIMIT_S = 2;
/** Added before every line, so that lines printed at the same instant still scroll readably. */
export const LINE_DELAY_S = 0.04;
/** Added before a step heading (`[step 3/9] …`): a beat to read the step that begins. */
export const STEP_PAUSE_S = 0.6;

export const CAST_MIN_WIDTH = 80;
export const CAST_MAX_WIDTH = 200;
export const CAST_HEIGHT = 40;

export interface TimedLine {
  /** Trace clock time of the event that printed the line, ms since the epoch. */
  t: number;
  text: string;
}

export interface CastOptions {
  title?: string;
  /** Unix time (seconds) the recording started at; the trace's start for a run. */
  timestamp?: number;
  /** Override the computed width (the longest line, kept between 80 and 200 columns). */
  width?: number;
  height?: number;
}

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp?: number;
  idle_time_limit: number;
  title?: string;
  env: { TERM: string; SHELL: string };
}

const ANSI = /\x1b\[[0-9;]*m/g;

function visibleWidth(s: string): number {
  return s.replace(ANSI, '').length;
}

const isStepHeading = (text: string) => /^(?:\x1b\[[0-9;]*m)?\[step \d+\/\d+\]/.test(text);

/** Seconds in a cast, rounded to milliseconds so that files are stable and small. */
const round = (s: number) => Math.round(s * 1000) / 1000;

/** The cast's events: `[time, "o", text]` with the compressed times described above. */
export function castEvents(lines: readonly TimedLine[]): Array<[number, 'o', string]> {
  const out: Array<[number, 'o', string]> = [];
  let at = 0;
  let previousT: number | undefined;
  for (const line of lines) {
    const gapS = previousT === undefined ? 0 : Math.max(0, line.t - previousT) / 1000;
    at += Math.min(gapS, IDLE_TIME_LIMIT_S) + LINE_DELAY_S + (isStepHeading(line.text) ? STEP_PAUSE_S : 0);
    previousT = line.t;
    // Multi-line texts (a failed expectation's "observed" line) keep their own line ends.
    out.push([round(at), 'o', line.text.replace(/\r?\n/g, '\r\n') + '\r\n']);
  }
  return out;
}

export function castHeader(lines: readonly TimedLine[], opts: CastOptions = {}): CastHeader {
  const widest = lines.reduce((w, l) => Math.max(w, ...l.text.split('\n').map(visibleWidth)), 0);
  return {
    version: 2,
    width: opts.width ?? Math.min(CAST_MAX_WIDTH, Math.max(CAST_MIN_WIDTH, widest)),
    height: opts.height ?? CAST_HEIGHT,
    ...(opts.timestamp !== undefined ? { timestamp: Math.floor(opts.timestamp) } : {}),
    idle_time_limit: IDLE_TIME_LIMIT_S,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
  };
}

/** The whole `.cast` file. */
export function toCast(lines: readonly TimedLine[], opts: CastOptions = {}): string {
  const rows = [JSON.stringify(castHeader(lines, opts)), ...castEvents(lines).map((e) => JSON.stringify(e))];
  return rows.join('\n') + '\n';
}
