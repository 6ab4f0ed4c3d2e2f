/**
 * The small predicates the kubelet's decisions are built from, each the counterpart of an
 * upstream helper:
 * - `shouldContainerBeRestarted` — k8s:pkg/kubelet/container/helpers.go `ShouldContainerBeRestarted`
 * - `shouldRestartOnFailure`, `containerSucceeded` — k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go
 * - `isInitContainerFailed` — k8s:pkg/kubelet/kuberuntime/helpers.go
 * - `hasAnyRegularContainerCreated` — k8s:pkg/kubelet/kuberuntime/kuberuntime_container.go
 * - `isRestartableInitContainer` — k8s:pkg/api/v1/pod/util.go `IsRestartableInitContainer`
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import {
  findContainerStatusByName,
  type ContainerRuntimeStatus,
  type PodRuntimeStatus,
} from '../runtime-status.js';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** `spec.restartPolicy`, with the API default `Always` for pods that were not defaulted. */
export function podRestartPolicy(pod: Pod): RestartPolicy {
  const p = pod.spec?.restartPolicy;
  return p === 'OnFailure' || p === 'Never' ? p : 'Always';
}

/** Any policy but `Never` restarts failed containers. */
export function shouldRestartOnFailure(pod: Pod): boolean {
  return podRestartPolicy(pod) !== 'Never';
}

/** An init container with `restartPolicy: Always` — a sidecar. */
export function isRestartableInitContainer(container: Pick<Container, 'restartPolicy'>): boolean {
  return container.restartPolicy === 'Always';
}

export function hasRestartableInitContainer(pod: Pod): boolean {
  return (pod.spec?.initContainers ?? []).some(isRestartableInitContainer);
}

/** Should a container that is not running be (re)started? Table in the fact sheet §4.1. */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: PodRuntimeStatus): boolean {
  // A pod marked for deletion never restarts anything.
  if (pod.metadata?.deletionTimestamp) return false;
  const latest = findContainerStatusByName(status, container.name);
  // Never started, or every instance was garbage collected.
  if (!latest) return true;
  if (latest.state === 'running') return false;
  // Unknown/created: it may be half-started; restart (after a kill for unknown).
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  const policy = podRestartPolicy(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

/** The container's latest instance exited with code 0. */
export function containerSucceeded(container: Container, status: PodRuntimeStatus): boolean {
  const latest = findContainerStatusByName(status, container.name);
  return latest !== undefined && latest.state === 'exited' && latest.exitCode === 0;
}

/** Exited non-zero, OOM-killed, or in unknown state. */
export function isInitContainerFailed(status: ContainerRuntimeStatus): boolean {
  if (status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}

/** Any regular container exists in created/running/exited state — so the pod was initialized. */
export function hasAnyRegularContainerCreated(pod: Pod, status: PodRuntimeStatus): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = findContainerStatusByName(status, c.name);
    return s !== undefined && (s.state === 'created' || s.state === 'running' || s.state === 'exited');
  });
}
