import { Text } from 'ink';
import { memo } from 'react';
import { ELLIPSIS } from '../text.js';
import { useTheme, type Tone } from '../theme.js';

/** A run of text with one style. Panes build lines as segments so they control every column. */
export interface Seg {
  readonly text: string;
  readonly tone?: Tone | undefined;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export function seg(text: string, tone?: Tone, style: Omit<Seg, 'text' | 'tone'> = {}): Seg {
  return { text, tone, ...style };
}

export function segsLength(segs: readonly Seg[]): number {
  let n = 0;
  for (const s of segs) n += s.text.length;
  return n;
}

/** Cut segments to `width` columns (the last kept one ends in `…`), optionally pad to exactly `width`. */
export function clipSegs(segs: readonly Seg[], width: number, pad = false): Seg[] {
  const out: Seg[] = [];
  let used = 0;
  const total = segsLength(segs);
  for (const s of segs) {
    if (used >= width) break;
    const room = width - used;
    if (total > width && used + s.text.length >= width) {
      out.push({ ...s, text: room <= 1 ? ELLIPSIS : s.text.slice(0, room - 1) + ELLIPSIS });
      used = width;
      break;
    }
    out.push(s);
    used += s.text.length;
  }
  if (pad && used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

export function plain(segs: readonly Seg[]): string {
  return segs.map((s) => s.text).join('');
}

interface Styled {
  readonly text: string;
  readonly color: string | undefined;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly inverse: boolean;
}

/** Resolve tones to colours and join neighbours that look the same: fewer nodes for ink to lay out. */
function styleRuns(segs: readonly Seg[], tone: (t: Seg['tone']) => string | undefined, selected: boolean): Styled[] {
  const out: Styled[] = [];
  for (const s of segs) {
    if (s.text.length === 0) continue;
    const run: Styled = {
      text: s.text,
      color: tone(s.tone),
      bold: s.bold ?? false,
      dim: s.dim ?? false,
      inverse: selected || (s.inverse ?? false),
    };
    const prev = out[out.length - 1];
    if (prev && prev.color === run.color && prev.bold === run.bold && prev.dim === run.dim && prev.inverse === run.inverse) {
      out[out.length - 1] = { ...prev, text: prev.text + run.text };
    } else out.push(run);
  }
  return out;
}

function LineView({ segs, width, selected = false }: { segs: readonly Seg[]; width: number; selected?: boolean }) {
  const theme = useTheme();
  const runs = styleRuns(clipSegs(segs, width, selected), theme.tone, selected);
  if (runs.length === 0) return <Text> </Text>;
  const plainRun = (r: Styled) => !r.color && !r.bold && !r.dim && !r.inverse;
  if (runs.length === 1 && plainRun(runs[0]!)) return <Text wrap="truncate-end">{runs[0]!.text}</Text>;
  return (
    <Text wrap="truncate-end">
      {runs.map((r, i) =>
        plainRun(r) ? (
          r.text
        ) : (
          <Text key={i} color={r.color} bold={r.bold} dimColor={r.dim} inverse={r.inverse}>
            {r.text}
          </Text>
        ),
      )}
    </Text>
  );
}

function sameSegs(a: readonly Seg[], b: readonly Seg[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.text !== y.text || x.tone !== y.tone || x.bold !== y.bold || x.dim !== y.dim || x.inverse !== y.inverse) return false;
  }
  return true;
}

/**
 * One terminal line of exactly `width` columns or less. `selected` paints the whole line in
 * inverse video, which works with and without colour. Lines are rebuilt on every step, so
 * they are compared by content: an unchanged line is not re-rendered.
 */
export const Line = memo(
  LineView,
  (a, b) => a.width === b.width && (a.selected ?? false) === (b.selected ?? false) && sameSegs(a.segs, b.segs),
);
