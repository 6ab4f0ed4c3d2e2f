import { clipSegs, Line, seg, segsLength, type Seg } from '../components/line.js';
import { innerSize, Pane } from '../components/pane.js';
import type { ViewModel, WireCall } from '../model/view-model.js';
import { sizes } from '../model/wire-labels.js';
import { fit, formatDuration, formatElapsed } from '../text.js';
import { wireItems } from './items.js';
import { countLabel, PaneBody } from './pane-body.js';
import { windowLines } from './scroll.js';

export interface WirePaneProps {
  readonly vm: ViewModel;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
  readonly filter: string;
}

/** Width of the time gutter (`+00:01.250 `), shown when the pane is wide enough to spare it. */
const TIME_GUTTER = 11;
const TIME_GUTTER_MIN_WIDTH = 70;

/** Columns left of the kubelet lifeline: the time, or one space of margin. */
function gutterOf(width: number): number {
  return width >= TIME_GUTTER_MIN_WIDTH ? TIME_GUTTER : 1;
}

/**
 * One arrow between the lifelines: `│── label ──────▶│` or `│◀── label ──────│`. The label is
 * clipped first, so the arrow head and both lifelines always survive.
 */
function arrow(label: readonly Seg[], arrowWidth: number, dir: 'right' | 'left', tone: Seg['tone']): Seg[] {
  const head = dir === 'right' ? '── ' : '◀── ';
  const tail = dir === 'right' ? '▶' : '';
  const room = arrowWidth - head.length - tail.length - 2;
  const clipped = clipSegs(label, Math.max(0, room));
  const fill = Math.max(0, arrowWidth - head.length - tail.length - segsLength(clipped));
  return [
    seg('│', 'muted'),
    seg(head, tone),
    ...clipped,
    seg(fill > 0 ? ` ${'─'.repeat(fill - 1)}` : '', tone),
    seg(tail, tone),
    seg('│', 'muted'),
  ];
}

export function callLines(c: WireCall, width: number, startMs: number | null): Seg[][] {
  const gutter = gutterOf(width);
  // Two lifelines and one column of margin on the right.
  const arrowWidth = width - gutter - 3;
  const time = gutter > 1 ? [seg(fit(formatElapsed(c.t - (startMs ?? c.t)), gutter - 1) + ' ', 'muted')] : [seg(' ')];
  const blank = [seg(' '.repeat(gutter))];
  const reqLabel: Seg[] = [seg(c.method, 'kubelet', { bold: true })];
  if (c.requestSummary) reqLabel.push(seg(`(${c.requestSummary})`));
  if (c.request !== undefined) reqLabel.push(seg(`  ${sizes(c.requestProtoBytes, c.requestJsonBytes)}`, 'muted'));
  const request = [...time, ...arrow(reqLabel, arrowWidth, 'right', 'kubelet')];

  let resLabel: Seg[];
  let tone: Seg['tone'];
  if (!c.done) {
    resLabel = [seg('waiting for the runtime…', 'muted', { dim: true })];
    tone = 'muted';
  } else if (c.status) {
    tone = 'error';
    resLabel = [
      seg(c.status.codeName, 'error', { bold: true }),
      seg(` ${formatDuration(c.durationMs)}`),
      seg(c.status.message ? ` "${c.status.message}"` : '', 'error'),
    ];
  } else {
    tone = 'ok';
    resLabel = [seg('OK', 'ok', { bold: true }), seg(` ${formatDuration(c.durationMs)}`)];
    if (c.responseSummary) resLabel.push(seg(` ${c.responseSummary}`));
    resLabel.push(seg(`  ${sizes(c.responseProtoBytes, c.responseJsonBytes)}`, 'muted'));
  }
  if (c.streamMessages > 0) resLabel.push(seg(` · ${c.streamMessages} stream msgs`, 'muted'));
  const response = [...blank, ...arrow(resLabel, arrowWidth, 'left', tone)];
  return [request, response];
}

/** The lifeline labels: `kubelet` over the left line, `runtime` over the right one. */
export function lifelineHeader(width: number): Seg[] {
  const gutter = gutterOf(width);
  // `kubelet` starts over the left lifeline; `runtime` ends over the right one.
  const gap = Math.max(1, width - 1 - gutter - 'kubelet'.length - 'runtime'.length);
  return [seg(' '.repeat(gutter)), seg('kubelet', 'kubelet', { bold: true }), seg(' '.repeat(gap)), seg('runtime', 'runtime', { bold: true })];
}

/** The CRI calls as a sequence diagram between the kubelet and the runtime. */
export function WirePane({ vm, width, height, focused, selected, filter }: WirePaneProps) {
  const inner = innerSize(width, height);
  const calls = wireItems(vm, filter);
  // Every call is two lines: a request arrow and a response arrow.
  const { lines, above, below } = windowLines(
    calls.length,
    (i) => callLines(calls[i]!, inner.width, vm.startMs),
    () => 2,
    selected,
    inner.lines - 1,
  );
  const right = countLabel(calls.length, 'call', above, below) + (filter.trim() ? ` /${filter.trim()}` : '');
  return (
    <Pane title="Wire · CRI over gRPC" right={right} width={width} height={height} focused={focused}>
      <Line segs={lifelineHeader(inner.width)} width={inner.width} />
      {calls.length === 0 ? (
        <Line segs={[seg(filter.trim() ? `no call matches /${filter.trim()}` : 'no CRI calls yet', 'muted')]} width={inner.width} />
      ) : (
        <PaneBody lines={lines} width={inner.width} focused={focused} />
      )}
    </Pane>
  );
}
