import { KEY_MAP, type KeyBinding } from '../key-map.js';
import { fit } from '../text.js';
import { Line, seg, type Seg } from './line.js';
import { innerSize, Pane } from './pane.js';

const GROUPS: readonly [KeyBinding['group'], string][] = [
  ['steps', 'Steps'],
  ['navigate', 'Move around'],
  ['views', 'Views'],
  ['app', 'App'],
];

export function helpLines(quiz: boolean): Seg[][] {
  const lines: Seg[][] = [];
  for (const [group, name] of GROUPS) {
    lines.push([seg(name, 'accent', { bold: true })]);
    for (const b of KEY_MAP.filter((k) => k.group === group)) {
      lines.push([seg('  '), seg(fit(b.keys, 13), undefined, { bold: true }), seg(b.help)]);
    }
  }
  if (quiz) {
    lines.push([seg('Quiz', 'accent', { bold: true })]);
    lines.push([seg('  '), seg(fit('1-4', 13), undefined, { bold: true }), seg('answer: which RPC will the kubelet send next?')]);
    lines.push([seg('  '), seg(fit('n enter', 13), undefined, { bold: true }), seg('after answering: reveal and go on')]);
  }
  return lines;
}

/** `?`: every key, from the same table the input handler uses. */
export function HelpOverlay({ width, height, quiz, scroll }: { width: number; height: number; quiz: boolean; scroll: number }) {
  const inner = innerSize(width, height);
  const all = helpLines(quiz);
  const twoCols = inner.width >= 110 && all.length > inner.lines;
  const colWidth = twoCols ? Math.floor(inner.width / 2) : inner.width;
  const start = Math.max(0, Math.min(scroll, Math.max(0, all.length - inner.lines * (twoCols ? 2 : 1))));
  const left = all.slice(start, start + inner.lines);
  const right = twoCols ? all.slice(start + inner.lines, start + 2 * inner.lines) : [];
  return (
    <Pane title="Help" right="esc close" width={width} height={height} focused>
      {left.map((l, i) => (
        <Line key={i} segs={twoCols ? [...l.slice(0), seg(' '.repeat(Math.max(0, colWidth - l.reduce((n, s) => n + s.text.length, 0)))), ...(right[i] ?? [])] : l} width={inner.width} />
      ))}
    </Pane>
  );
}
