import type { Detail } from '../model/details.js';
import { Line, seg } from './line.js';
import { innerSize, Pane } from './pane.js';

/** The largest useful scroll offset for a detail of `count` lines in a pane of `height`. */
export function maxDetailScroll(count: number, height: number): number {
  return Math.max(0, count - innerSize(0, height).lines);
}

/** enter: the full request and response of a call, or the full status of an object; j/k scroll. */
export function DetailView({ detail, width, height, scroll }: { detail: Detail; width: number; height: number; scroll: number }) {
  const inner = innerSize(width, height);
  const start = Math.max(0, Math.min(scroll, maxDetailScroll(detail.lines.length, height)));
  const shown = detail.lines.slice(start, start + inner.lines);
  const pos = detail.lines.length > inner.lines ? `${start + 1}-${start + shown.length}/${detail.lines.length} · ` : '';
  return (
    <Pane title={detail.title} right={`${pos}esc back`} width={width} height={height} focused>
      {shown.map((l, i) => (
        <Line key={i} segs={[seg(l.text, l.tone, l.bold ? { bold: true } : {})]} width={inner.width} />
      ))}
    </Pane>
  );
}
