import type { Seg } from '../components/line.js';

export interface PaneLine {
  readonly segs: readonly Seg[];
  readonly selected: boolean;
}

/**
 * Which items fit in `maxLines`, scrolled so the selected item is fully visible and, when
 * possible, the list starts at the top. Items may span several lines (`heightOf`). Only the
 * window is ever built into lines, so a wire of thousands of calls costs what one screen does.
 */
export function scrollWindow(
  count: number,
  heightOf: (i: number) => number,
  selected: number,
  maxLines: number,
): { start: number; end: number } {
  if (maxLines <= 0 || count === 0) return { start: 0, end: 0 };
  const sel = Math.max(0, Math.min(selected, count - 1));
  let start = sel;
  let used = heightOf(sel);
  while (start > 0 && used + heightOf(start - 1) <= maxLines) {
    start--;
    used += heightOf(start);
  }
  let end = sel + 1;
  while (end < count && used + heightOf(end) <= maxLines) {
    used += heightOf(end);
    end++;
  }
  return { start, end };
}

/** Build the lines of the window, marking the selected item's lines. */
export function windowLines(
  count: number,
  build: (i: number) => readonly (readonly Seg[])[],
  heightOf: (i: number) => number,
  selected: number,
  maxLines: number,
): { lines: PaneLine[]; above: number; below: number } {
  const { start, end } = scrollWindow(count, heightOf, selected, maxLines);
  const lines: PaneLine[] = [];
  for (let i = start; i < end; i++) {
    for (const segs of build(i)) {
      if (lines.length >= maxLines) break;
      lines.push({ segs, selected: i === selected });
    }
  }
  return { lines, above: start, below: count - end };
}

/** `windowLines` over items already built (small lists). */
export function scrollItems(
  items: readonly (readonly (readonly Seg[])[])[],
  selected: number,
  maxLines: number,
): { lines: PaneLine[]; above: number; below: number } {
  return windowLines(items.length, (i) => items[i]!, (i) => items[i]!.length, selected, maxLines);
}
