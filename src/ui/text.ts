/**
 * Plain-text helpers for a terminal grid: every pane computes its own lines, so that nothing it
 * draws can overflow a line or push the layout around. Widths count UTF-16 code units, which is
 * right for everything crilab prints (ASCII, box drawing, arrows): all are one column wide.
 */

export const ELLIPSIS = '…';

/** Cut `s` to at most `width` columns, ending in `…` when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width === 1) return ELLIPSIS;
  return s.slice(0, width - 1) + ELLIPSIS;
}

/** Truncate and pad with spaces to exactly `width` columns. */
export function fit(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - t.length));
}

/** Greedy word wrap into at most `maxLines` lines of `width`; the last line ends in `…` if cut. */
export function wrapWords(text: string, width: number, maxLines = Infinity): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    while (word.length > width) {
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    line = word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  // Make room for one `…` (truncate would add its own: `……`).
  kept[maxLines - 1] = (last.length >= width ? last.slice(0, width - 1) : last) + ELLIPSIS;
  kept[maxLines - 1] = truncate(kept[maxLines - 1]!, width);
  return kept;
}

/** crictl prints the first 13 characters of a runtime ID; so do we. */
export const SHORT_ID_LENGTH = 13;

export function shortId(id: string | undefined): string {
  if (!id) return '?';
  return id.length > SHORT_ID_LENGTH ? id.slice(0, SHORT_ID_LENGTH) : id;
}

/** `312B`, `1.1KB`, `2.4MB` (powers of 1024). */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '?';
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}KB`;
  return `${(n / (1024 * 1024)).toFixed(1)}MB`;
}

/** `0.4ms`, `12ms`, `1.25s`, `2m05s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** Time since the start of the run: `+00:03.250` (or `+1:02:03.250` past an hour). */
export function formatElapsed(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(ms));
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const milli = abs % 1000;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
  return h > 0 ? `${sign}${h}:${mmss}` : `${sign}${mmss}`;
}

/** Wall-clock time of day in UTC, `12:00:03.250`. */
export function formatTimeOfDay(epochMs: number): string {
  const d = new Date(Math.round(epochMs));
  if (Number.isNaN(d.getTime())) return '?';
  return d.toISOString().slice(11, 23);
}

/** `10s`, `5m`, `1m30s` — the way the kubelet prints back-off durations. */
export function formatSeconds(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total}s`;
  const m = Math.floor(total / 60);
  const s = total % 60;
  return s === 0 ? `${m}m` : `${m}m${s}s`;
}
