import { Line } from '../components/line.js';
import type { PaneLine } from './scroll.js';

/** The lines of a pane's content area; the selection is painted only where the focus is. */
export function PaneBody({ lines, width, focused }: { lines: readonly PaneLine[]; width: number; focused: boolean }) {
  return (
    <>
      {lines.map((l, i) => (
        <Line key={i} segs={l.segs} width={width} selected={focused && l.selected} />
      ))}
    </>
  );
}

/** `3 pods`, `3 pods ↑1 ↓2`: the count and how much is scrolled out of view. */
export function countLabel(n: number, noun: string, above: number, below: number, plural = `${noun}s`): string {
  const base = `${n} ${n === 1 ? noun : plural}`;
  const more = [above > 0 ? `↑${above}` : '', below > 0 ? `↓${below}` : ''].filter(Boolean).join(' ');
  return more ? `${base} ${more}` : base;
}
