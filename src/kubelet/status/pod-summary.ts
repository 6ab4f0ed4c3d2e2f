/**
 * One line per pod as `kubectl get pods` prints it — READY, STATUS, RESTARTS, IP — following
 * kubectl's pod printer (k8s:pkg/printers/internalversion/printers.go `printPod`): STATUS is the
 * pod's reason or phase, overridden by `Init:<reason>` / `Init:<n>/<total>` while initializing,
 * then by the last container's waiting or terminated reason, `Terminating` once deleted.
 */

import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isRestartableInitContainer } from '../sync/restart-policy.js';

export interface PodSummary {
  pod: string;
  uid: string;
  phase: string;
  /** `ready/total`, e.g. `1/1`. */
  ready: string;
  status: string;
  restarts: number;
  ip: string;
  containers: Array<{ name: string; state: string; reason?: string; exitCode?: number; restartCount: number; ready: boolean }>;
}

function terminatedReason(t: NonNullable<ContainerStatus['state']>['terminated']): string {
  if (!t) return '';
  if (t.reason) return t.reason;
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
}

export function summarizePod(pod: Pod, status: PodStatus): PodSummary {
  const initSpecs = pod.spec?.initContainers ?? [];
  const sidecars = new Set(initSpecs.filter(isRestartableInitContainer).map((c) => c.name));
  const inits = status.initContainerStatuses ?? [];
  const regular = status.containerStatuses ?? [];
  let reason = status.reason || status.phase || 'Unknown';
  let restarts = 0;
  let readyCount = 0;
  const total = (pod.spec?.containers?.length ?? 0) + sidecars.size;

  let initializing = false;
  inits.forEach((c, i) => {
    restarts += c.restartCount;
    if (sidecars.has(c.name) && c.ready) readyCount++;
    if (initializing) return;
    if (c.state?.terminated && c.state.terminated.exitCode === 0) return;
    if (sidecars.has(c.name) && c.started) return;
    initializing = true;
    if (c.state?.terminated) reason = `Init:${terminatedReason(c.state.terminated)}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
  });
  let hasRunning = false;
  for (const c of [...regular].reverse()) {
    restarts += c.restartCount;
    if (c.ready && c.state?.running) readyCount++;
    if (initializing) continue;
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated) reason = terminatedReason(c.state.terminated);
    else if (c.state?.running && c.ready) hasRunning = true;
  }
  if (!initializing && reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata?.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const describe = (c: ContainerStatus) => {
    const state = c.state?.running ? 'running' : c.state?.terminated ? 'terminated' : 'waiting';
    const r = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    return { name: c.name, state, ...(r ? { reason: r } : {}), ...(c.state?.terminated ? { exitCode: c.state.terminated.exitCode } : {}), restartCount: c.restartCount, ready: c.ready };
  };
  return {
    pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
    uid: pod.metadata?.uid ?? '',
    phase: status.phase ?? '',
    ready: `${readyCount}/${total}`,
    status: reason,
    restarts,
    ip: status.podIP ?? '',
    containers: [...inits, ...regular].map(describe),
  };
}
