import { Line, seg, type Seg } from '../components/line.js';
import { innerSize, Pane } from '../components/pane.js';
import type { ContainerView, SandboxView, ViewModel } from '../model/view-model.js';
import { shortId } from '../text.js';
import { stateTone } from '../theme.js';
import { runtimeItems, type RuntimeItem } from './items.js';
import { countLabel, PaneBody } from './pane-body.js';
import { windowLines } from './scroll.js';

export interface RuntimePaneProps {
  readonly vm: ViewModel;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
}

function sandboxLines(s: SandboxView): Seg[][] {
  const state = s.removed ? 'removed' : s.state;
  const head: Seg[] = [
    seg('▣ ', 'runtime'),
    seg(`${s.podName ?? '?'}`, undefined, { bold: true, dim: s.removed }),
    seg(`#${s.attempt ?? '?'} `, 'muted'),
    seg(state, s.removed ? 'muted' : stateTone(s.state)),
    seg(s.ip && !s.removed ? ` ${s.ip}` : '', 'ok'),
    seg(` ${shortId(s.id)}`, 'muted'),
  ];
  const lines = [head];
  if (s.pauseState !== undefined && !s.removed) {
    lines.push([seg('  ├ '), seg('pause', 'muted'), seg(' '), seg(s.pauseState, stateTone(s.pauseState))]);
  }
  return lines;
}

function containerLine(c: ContainerView, orphan: boolean): Seg[] {
  const state = c.removed ? 'removed' : c.state;
  const segs: Seg[] = [
    seg(orphan ? '? ' : '  └ '),
    seg(c.name ?? '?', undefined, { bold: true, dim: c.removed }),
    seg(`#${c.attempt ?? '?'} `, 'muted'),
    seg(state, c.removed ? 'muted' : stateTone(c.state)),
  ];
  // Reason and exit code are known only once a ContainerStatus or ListContainers answer told them.
  if (!c.removed && c.state === 'CONTAINER_EXITED' && (c.reason !== undefined || c.exitCode !== undefined)) {
    segs.push(seg(` ${c.reason ?? 'exit'}(${c.exitCode ?? '?'})`, c.exitCode === 0 ? 'muted' : 'error'));
  } else if (!c.removed && c.reason && c.state !== 'CONTAINER_RUNNING') segs.push(seg(` ${c.reason}`, 'warn'));
  segs.push(seg(` ${shortId(c.id)}`, 'muted'));
  return segs;
}

function itemLines(it: RuntimeItem): Seg[][] {
  return it.kind === 'sandbox' ? sandboxLines(it.sandbox) : [containerLine(it.container, it.orphan)];
}

function itemHeight(it: RuntimeItem): number {
  return it.kind === 'sandbox' && it.sandbox.pauseState !== undefined && !it.sandbox.removed ? 2 : 1;
}

export function RuntimePane({ vm, width, height, focused, selected }: RuntimePaneProps) {
  const inner = innerSize(width, height);
  const items = runtimeItems(vm);
  const { lines, above, below } = windowLines(items.length, (i) => itemLines(items[i]!), (i) => itemHeight(items[i]!), selected, inner.lines);
  const live = vm.sandboxes.filter((s) => !s.removed).length;
  return (
    <Pane
      title="Runtime"
      right={countLabel(live, 'sandbox', above, below, 'sandboxes')}
      width={width}
      height={height}
      focused={focused}
    >
      {items.length === 0 ? (
        <Line segs={[seg('no sandboxes yet', 'muted')]} width={inner.width} />
      ) : (
        <PaneBody lines={lines} width={inner.width} focused={focused} />
      )}
    </Pane>
  );
}
