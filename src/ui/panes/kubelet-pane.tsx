import { seg, type Seg } from '../components/line.js';
import { Line } from '../components/line.js';
import { innerSize, Pane } from '../components/pane.js';
import type { PodContainerView, PodView, ViewModel } from '../model/view-model.js';
import { fit, formatSeconds } from '../text.js';
import { stateTone } from '../theme.js';
import { countLabel, PaneBody } from './pane-body.js';
import { windowLines } from './scroll.js';

export interface KubeletPaneProps {
  readonly vm: ViewModel;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly selected: number;
}

/** Column widths: pod-worker states (`SyncPod`, `Terminating`) and pod phases (`Succeeded`). */
const WORKER_WIDTH = 12;
const PHASE_WIDTH = 9;

function podName(p: PodView): string {
  return p.namespace === 'default' ? p.name : p.key;
}

function containerLines(c: PodContainerView, clockMs: number | null): Seg[][] {
  const what =
    c.state === 'running'
      ? 'running'
      : c.state === 'terminated'
        ? `${c.reason ?? 'terminated'}(${c.exitCode ?? '?'})`
        : c.state === 'waiting'
          ? (c.reason ?? 'waiting')
          : (c.restartMachineState ?? 'unknown');
  const segs: Seg[] = [
    seg('  └ '),
    seg(c.name, undefined, { bold: true }),
    seg(' '),
    seg(what, stateTone(c.state === 'running' ? 'RUNNING' : what)),
    seg(` ↻${c.restartCount}`, c.restartCount > 0 ? 'warn' : 'muted'),
  ];
  if (c.ready) segs.push(seg(' ready', 'ok'));
  const lines = [segs];
  if (c.backOff) {
    const left = c.backOff.untilMs !== undefined && clockMs !== null ? c.backOff.untilMs - clockMs : undefined;
    const timer =
      left !== undefined && left > 0
        ? `back-off ${formatSeconds(c.backOff.durationMs)}, ${formatSeconds(left)} left`
        : `back-off ${formatSeconds(c.backOff.durationMs)}`;
    lines.push([seg('      ⏱ ', 'error'), seg(timer, 'error')]);
  }
  return lines;
}

/** Pods as the kubelet sees them: pod-worker state, phase, IP; each container's state and restarts. */
/** Lines of one pod: its row, then each container, plus a back-off line for a waiting one. */
function podHeight(p: PodView): number {
  return 1 + p.containers.length + p.containers.filter((c) => c.backOff).length;
}

export function podLines(vm: ViewModel, p: PodView, nameWidth: number, showIp: boolean): Seg[][] {
  const head: Seg[] = [
    seg(fit(podName(p), nameWidth), undefined, { bold: true }),
    seg(' '),
    seg(fit(p.workerState ?? '-', WORKER_WIDTH), stateTone(p.workerState)),
    seg(' '),
    seg(fit(p.phase ?? '-', PHASE_WIDTH), stateTone(p.phase)),
    seg(showIp ? ` ${p.podIP ?? ''}` : '', 'muted'),
  ];
  return [head, ...p.containers.flatMap((c) => containerLines(c, vm.clockMs))];
}

export function KubeletPane({ vm, width, height, focused, selected }: KubeletPaneProps) {
  const inner = innerSize(width, height);
  const nameWidth = Math.max(6, Math.min(18, Math.max(0, ...vm.pods.map((p) => podName(p).length))));
  // The pod IP column only when it fits whole; the runtime pane shows the IP too.
  const showIp = inner.width >= nameWidth + WORKER_WIDTH + PHASE_WIDTH + 3 + 15;
  const header: Seg[] = [
    seg(fit('POD', nameWidth), 'muted'),
    seg(' '),
    seg(fit('WORKER', WORKER_WIDTH), 'muted'),
    seg(' '),
    seg(fit('PHASE', PHASE_WIDTH), 'muted'),
    seg(showIp ? ' IP' : '', 'muted'),
  ];
  const { lines, above, below } = windowLines(
    vm.pods.length,
    (i) => podLines(vm, vm.pods[i]!, nameWidth, showIp),
    (i) => podHeight(vm.pods[i]!),
    selected,
    inner.lines - 1,
  );
  return (
    <Pane title="Kubelet" right={countLabel(vm.pods.length, 'pod', above, below)} width={width} height={height} focused={focused}>
      {vm.pods.length === 0 ? (
        <Line segs={[seg('no pods yet', 'muted')]} width={inner.width} />
      ) : (
        <>
          <Line segs={header} width={inner.width} />
          <PaneBody lines={lines} width={inner.width} focused={focused} />
        </>
      )}
    </Pane>
  );
}
