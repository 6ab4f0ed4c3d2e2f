import type { Target } from '../panes/items.js';
import { formatBytes, formatDuration, formatElapsed } from '../text.js';
import type { Tone } from '../theme.js';
import type { ViewModel } from './view-model.js';

export interface DetailLine {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
}

export interface Detail {
  readonly title: string;
  readonly lines: readonly DetailLine[];
}

function json(value: unknown): DetailLine[] {
  if (value === undefined) return [{ text: '(none)', tone: 'muted' }];
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.split('\n').map((t) => ({ text: t }));
}

function heading(text: string): DetailLine {
  return { text, tone: 'accent', bold: true };
}

/** Everything known about the selected item: full request and response of a call, full status of an object. */
export function detailFor(vm: ViewModel, target: Target): Detail {
  const since = (t: number) => formatElapsed(t - (vm.startMs ?? t));
  switch (target.pane) {
    case 'wire': {
      const c = vm.calls.find((x) => x.callId === target.callId);
      if (!c) return { title: 'Call not found', lines: [] };
      const outcome = !c.done
        ? 'no response yet'
        : c.status
          ? `${c.status.codeName} (${c.status.code}) in ${formatDuration(c.durationMs)}: ${c.status.message}`
          : `OK in ${formatDuration(c.durationMs)}`;
      return {
        title: `${c.method} · call ${c.callId} · ${since(c.t)}`,
        lines: [
          { text: `${c.service}/${c.method}${c.pod ? `   pod ${c.pod}` : ''}`, tone: 'muted' },
          heading(`Request · ${formatBytes(c.requestProtoBytes)} protobuf / ${formatBytes(c.requestJsonBytes)} JSON`),
          ...json(c.request),
          { text: '' },
          {
            ...heading(
              `Response · ${outcome}` +
                (c.done ? ` · ${formatBytes(c.responseProtoBytes)} protobuf / ${formatBytes(c.responseJsonBytes)} JSON` : ''),
            ),
            ...(c.status ? { tone: 'error' as const } : {}),
          },
          ...(c.status ? [] : json(c.response)),
        ],
      };
    }
    case 'kubelet': {
      const p = vm.pods.find((x) => x.key === target.podKey);
      if (!p) return { title: 'Pod not found', lines: [] };
      const events = vm.kubeEvents.filter((e) => e.pod === p.key);
      return {
        title: `Pod ${p.key} · worker ${p.workerState ?? '-'} · phase ${p.phase ?? '-'}`,
        lines: [
          { text: `uid ${p.uid ?? '?'}   pod IP ${p.podIP ?? '-'}` },
          { text: '' },
          heading('Status (as the API server would show it)'),
          ...json(p.status),
          { text: '' },
          heading(`Events (${events.length})`),
          ...events.map((e) => ({
            text: `${since(e.t)}  ${e.type.padEnd(7)} ${e.reason.padEnd(16)} ${e.message}`,
            ...(e.type === 'Warning' ? { tone: 'warn' as const } : {}),
          })),
        ],
      };
    }
    case 'runtime': {
      if (target.kind === 'sandbox') {
        const s = vm.sandboxes.find((x) => x.id === target.id);
        if (!s) return { title: 'Sandbox not found', lines: [] };
        return {
          title: `PodSandbox ${s.podName ?? '?'} attempt ${s.attempt ?? '?'} · ${s.removed ? 'removed' : s.state}`,
          lines: [
            { text: `id     ${s.id}` },
            { text: `pod    ${s.namespace ?? '?'}/${s.podName ?? '?'}   uid ${s.uid ?? '?'}` },
            { text: `pause  ${s.pauseState ?? '(not reported)'}` },
            { text: `ip     ${[s.ip, ...s.additionalIps].filter(Boolean).join(' ') || '-'}` },
            { text: '' },
            heading('Last PodSandboxStatus / ListPodSandbox answer'),
            ...json(s.status),
          ],
        };
      }
      const c = vm.containers.find((x) => x.id === target.id);
      if (!c) return { title: 'Container not found', lines: [] };
      return {
        title: `Container ${c.name ?? '?'} attempt ${c.attempt ?? '?'} · ${c.removed ? 'removed' : c.state}`,
        lines: [
          { text: `id       ${c.id}` },
          { text: `sandbox  ${c.sandboxId ?? '?'}` },
          { text: `image    ${c.image ?? '?'}` },
          { text: `reason   ${c.reason ?? '-'}   exit code ${c.exitCode ?? '-'}` },
          { text: '' },
          heading('Last ContainerStatus / ListContainers answer'),
          ...json(c.status),
        ],
      };
    }
    case 'network': {
      const n = vm.netns.find((x) => x.name === target.name);
      if (!n) return { title: 'Network namespace not found', lines: [] };
      return {
        title: `netns ${n.name} · ${n.state}`,
        lines: [
          { text: `pod      ${n.podName ?? '?'}` },
          { text: `sandbox  ${n.sandboxId ?? '?'}` },
          { text: `IPs      ${n.ips.join(' ') || '-'}` },
          ...(n.inferred ? [{ text: 'known from PodSandboxStatus only (no netns machine reported it)', tone: 'muted' as const }] : []),
          { text: '' },
          heading('Interfaces'),
          ...(n.interfaces.length === 0
            ? [{ text: '(none reported)', tone: 'muted' as const }]
            : n.interfaces.map((i) => ({
                text: `${i.name.padEnd(16)} ${i.host ? 'host side' : 'in the pod'}  ${i.mac ?? ''}  ${i.ips.join(' ')}`,
              }))),
        ],
      };
    }
  }
}
