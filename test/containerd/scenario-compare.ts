/**
 * The scenario half of the differential suite: a bundled scenario is run by crilab's kubelet
 * against the simulator and against the lab's containerd, and what a learner would compare is
 * extracted from both traces: expectation results, the kubelet's state-changing CRI calls and
 * their error codes, Kubernetes events, container output, and the container states, exit codes
 * and reasons the runtime reported.
 */
import type { RunSummary } from '../../src/scenario/runner.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { LAB_IMAGES } from '../../src/backends/containerd/lab/images.js';
import { normalizeImageRef } from '../../src/runtime/images/reference.js';
import { SIGNAL_EXIT_BASE } from '../../src/backends/containerd/containerd-faults.js';

/**
 * Calls that change the node (the ones a scenario teaches). Polling calls, and ExecSync (probes
 * run every periodSeconds), come as often as real time allows, so they are not compared.
 */
export const COMPARED_CALLS = new Set([
  'RunPodSandbox',
  'StopPodSandbox',
  'RemovePodSandbox',
  'CreateContainer',
  'StartContainer',
  'StopContainer',
  'RemoveContainer',
  'PullImage',
  'UpdateContainerResources',
]);

export interface ScenarioRecord {
  expectations: { description: string; passed: boolean }[];
  calls: string[];
  events: string[];
  output: Record<string, string[]>;
  states: string[];
  aborted: string | null;
}

/** Everything comparable of one run. */
export function recordOf(events: readonly TraceEvent[], summary: RunSummary): ScenarioRecord {
  const names = new Map<string, string>();
  const pendingCreate = new Map<string, string>();
  const pendingStart = new Map<string, string>();
  const failedStart = new Set<string>();
  const calls: string[] = [];
  const kube: string[] = [];
  const output: Record<string, string[]> = {};
  const states: string[] = [];
  for (const e of events) {
    if (e.kind === 'cri.request' && e.source === 'kubelet' && e.method === 'CreateContainer') {
      pendingCreate.set(e.callId, (e.request as any)?.config?.metadata?.name ?? '?');
    }
    if (e.kind === 'cri.request' && e.source === 'kubelet' && e.method === 'StartContainer') pendingStart.set(e.callId, (e.request as any)?.containerId ?? '');
    if (e.kind === 'cri.response' && e.source === 'kubelet') {
      if (e.method === 'CreateContainer' && (e.response as any)?.containerId) names.set((e.response as any).containerId, pendingCreate.get(e.callId) ?? '?');
      if (COMPARED_CALLS.has(e.method)) calls.push(e.status ? `${e.method} → ${e.status.codeName}` : e.method);
      if (e.method === 'StartContainer' && e.status) failedStart.add(pendingStart.get(e.callId) ?? '');
      if (e.method === 'ContainerStatus' && (e.response as any)?.status) {
        const s = (e.response as any).status;
        // proto3 leaves zero values out of the JSON: CONTAINER_CREATED is enum 0, exit code 0
        const state = s.state ?? 'CONTAINER_CREATED';
        // A container is CREATED from CreateContainer until StartContainer has run. On the real
        // clock a relist can inspect the pod in that moment or not, as timing has it (pods sync
        // at once, and a pod's worker syncs while the relist goes on to the next pod); only a
        // container left CREATED by a failed start is something to compare.
        if (state === 'CONTAINER_CREATED' && !failedStart.has(s.id)) continue;
        const line = `${s.metadata?.name}: ${state}${state === 'CONTAINER_EXITED' ? ` ${s.exitCode ?? 0} ${s.reason}` : ''}`;
        if (!states.includes(line)) states.push(line);
      }
    }
    if (e.kind === 'kube.event') kube.push(`${e.type} ${e.reason}`);
    if (e.kind === 'container.output') {
      const key = `${names.get(e.containerId) ?? '?'} ${e.stream}`;
      (output[key] ??= []).push(e.line);
    }
  }
  return {
    expectations: summary.results.map((r) => ({ description: r.description, passed: r.passed })),
    calls,
    events: kube,
    output,
    states,
    aborted: summary.aborted ?? null,
  };
}

const LAB_REFS = new Set(LAB_IMAGES.map((i) => i.ref));

/** Why a scenario cannot run on the lab at all (images it does not serve, faults it cannot make), or undefined. */
export function cannotRunOnLab(s: Scenario): string | undefined {
  if (s.node.runtime === 'dockershim') return 'the node runs the simulated dockershim';
  const images = s.pods.flatMap((p) => [...(p.manifest.spec?.initContainers ?? []), ...(p.manifest.spec?.containers ?? [])].map((c) => c.image ?? ''));
  const missing = [...new Set(images)].filter((i) => !LAB_REFS.has(normalizeImageRef(i) ?? i));
  const missingOk = new Set(Object.entries(s.registry?.images ?? {}).filter(([, b]) => b.missing).map(([i]) => i));
  const notServed = missing.filter((i) => !missingOk.has(i));
  if (notServed.length) return `the lab registry does not serve ${notServed.join(', ')}`;
  for (const step of s.steps) {
    if (step.kind !== 'fault') continue;
    const f = step.fault as { kind: string; exitCode?: number };
    if (f.kind === 'crash' && (f.exitCode ?? 0) <= SIGNAL_EXIT_BASE) return `a crash with exit code ${f.exitCode} cannot be forced on containerd (only signals: 128+N)`;
    if (f.kind === 'imagePullFails' || f.kind === 'imagePullSlow') return `the ${f.kind} fault has no real counterpart on the lab registry`;
    if (f.kind === 'probeFails') return 'probe faults are the kubelet prober\'s, not compared yet';
  }
  return undefined;
}
