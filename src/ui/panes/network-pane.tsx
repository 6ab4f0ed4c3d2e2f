import { Line, seg, type Seg } from '../components/line.js';
import { innerSize, Pane } from '../components/pane.js';
import type { NetnsView, ViewModel } from '../model/view-model.js';
import { stateTone } from '../theme.js';
import { countLabel, PaneBody } from './pane-body.js';
import { scrollItems } from './scroll.js';

export interface NetworkPaneProps {
  readonly vm: ViewModel;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
}

function netnsLines(n: NetnsView): Seg[][] {
  const head: Seg[] = [
    seg(n.name, undefined, { bold: true }),
    seg(' '),
    seg(n.podName ?? '', 'accent'),
    seg(n.podName ? ' ' : ''),
    seg(n.state, stateTone(n.state)),
  ];
  if (n.inferred) head.push(seg(' (from PodSandboxStatus)', 'muted'));
  const lines: Seg[][] = [head];
  const podSide = n.interfaces.filter((i) => !i.host);
  const hostSide = n.interfaces.filter((i) => i.host);
  if (n.interfaces.length > 0) {
    for (const i of podSide) lines.push([seg('  └ '), seg(i.name), seg(' '), seg(i.ips.join(' '), 'ok')]);
    if (hostSide.length > 0) lines.push([seg('  host: ', 'muted'), seg(hostSide.map((i) => i.name).join(' '), 'muted')]);
  } else if (n.ips.length > 0) {
    lines.push([seg('  └ '), seg('eth0', 'muted'), seg(' '), seg(n.ips.join(' '), 'ok')]);
  }
  return lines;
}

/** Network namespaces, the pod IPs in them, and the interfaces (veth pairs) the CNI plugin made. */
export function NetworkPane({ vm, width, height, focused, selected }: NetworkPaneProps) {
  const inner = innerSize(width, height);
  const { lines, above, below } = scrollItems(vm.netns.map(netnsLines), selected, inner.lines);
  return (
    <Pane title="Network" right={countLabel(vm.netns.length, 'netns', above, below, 'netns')} width={width} height={height} focused={focused}>
      {vm.netns.length === 0 ? (
        <Line segs={[seg('no network namespaces yet', 'muted')]} width={inner.width} />
      ) : (
        <PaneBody lines={lines} width={inner.width} focused={focused} />
      )}
    </Pane>
  );
}
