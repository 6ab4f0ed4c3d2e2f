/**
 * CrashLoopBackOff: the check the kubelet makes right before (re)starting a container — upstream
 * `doBackOff` (k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go), the key from `GetStableKey`
 * (k8s:pkg/kubelet/kuberuntime/helpers.go) and the pod description from `format.Pod`
 * (k8s:pkg/kubelet/util/format/pod.go).
 *
 * The newest EXITED instance of the container gives `ts = finishedAt`.
 * - `IsInBackOffSince(key, ts)` → refuse: event `BackOff` "Back-off restarting failed container
 *   <c> in pod <pod>", sync error `CrashLoopBackOff` with message
 *   `back-off <Get(key)> restarting failed container=<c> pod=<pod>`.
 * - otherwise `Next(key, ts)` (10 s on the first crash, then ×2 up to 300 s) and start.
 * So the first restart is immediate and later ones wait 10, 20, 40, 80, 160, 300, 300… s after the
 * crash. The key contains the spec hash, so a spec change starts the back-off over.
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatGoDuration, type Backoff } from '../backoff.js';
import { hashContainer } from '../container-hash.js';
import { containersNewestFirst, nanosToMs, type PodRuntimeStatus } from '../runtime-status.js';

/** `format.Pod`: `<name>_<namespace>(<uid>)`. */
export function formatPod(pod: Pod): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`;
}

/** `GetStableKey`: `<pod>_<namespace>_<uid>_<container>_<hash>`. */
export function getStableKey(pod: Pod, container: Container): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}_${m.uid ?? ''}_${container.name}_${hashContainer(container)}`;
}

export interface BackOffCheck {
  inBackOff: boolean;
  key: string;
  /** `finishedAt` of the newest exited instance (ms), if any. */
  finishedAtMs?: number;
  /** The delay in force (ms): the refusing one when in back-off, else the one after `Next`. */
  delayMs: number;
  /** Sync-result message when refused. */
  message?: string;
  /** `BackOff` event message when refused. */
  eventMessage?: string;
}

function newestExitedFinishedAt(container: Container, status: PodRuntimeStatus): number | undefined {
  const exited = containersNewestFirst(status).find((c) => c.name === container.name && c.state === 'exited');
  return exited ? nanosToMs(exited.finishedAt) : undefined;
}

/** Read-only: would `doBackOff` refuse to start this container now? (Never calls `Next`.) */
export function checkBackOff(pod: Pod, container: Container, status: PodRuntimeStatus, backOff: Backoff): BackOffCheck {
  const key = getStableKey(pod, container);
  const finishedAtMs = newestExitedFinishedAt(container, status);
  if (finishedAtMs === undefined) return { inBackOff: false, key, delayMs: 0 };
  if (!backOff.isInBackOffSince(key, finishedAtMs)) {
    return { inBackOff: false, key, finishedAtMs, delayMs: backOff.get(key) };
  }
  const delayMs = backOff.get(key);
  return {
    inBackOff: true,
    key,
    finishedAtMs,
    delayMs,
    message: `back-off ${formatGoDuration(delayMs)} restarting failed container=${container.name} pod=${formatPod(pod)}`,
    eventMessage: `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`,
  };
}

/** Upstream `doBackOff`: the check, plus `Next` when the container may start. Call it right
 *  before starting the container, once per start. */
export function doBackOff(pod: Pod, container: Container, status: PodRuntimeStatus, backOff: Backoff): BackOffCheck {
  const check = checkBackOff(pod, container, status, backOff);
  if (check.inBackOff || check.finishedAtMs === undefined) return check;
  backOff.next(check.key, check.finishedAtMs);
  return { ...check, delayMs: backOff.get(check.key) };
}
