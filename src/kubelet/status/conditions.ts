/**
 * The kubelet-owned pod conditions — counterparts of upstream `GenerateContainersReadyCondition`,
 * `GeneratePodReadyCondition`, `GeneratePodInitializedCondition` and
 * `GeneratePodReadyToStartContainersCondition` (k8s:pkg/kubelet/status/generate.go). Reasons and
 * messages are upstream's, e.g. `ContainersNotReady` / "containers with unready status: [app]".
 * Times are filled in by `generatePodStatus` (status manager rule: a condition's
 * lastTransitionTime changes only when its status changes).
 */

import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { PodRuntimeStatus } from '../runtime-status.js';
import { podSandboxChanged } from '../sync/pod-sandbox-changed.js';
import { isRestartableInitContainer } from '../sync/restart-policy.js';
import { goStringSlice } from './format.js';
import type { PodPhase } from './get-phase.js';

export const UnknownContainerStatuses = 'UnknownContainerStatuses';
export const PodCompleted = 'PodCompleted';
export const PodFailedReason = 'PodFailed';
export const ContainersNotReady = 'ContainersNotReady';
export const ContainersNotInitialized = 'ContainersNotInitialized';
export const ReadinessGatesNotReady = 'ReadinessGatesNotReady';

/** A condition without times; `generatePodStatus` adds them. */
export type BareCondition = Pick<PodCondition, 'type' | 'status' | 'reason' | 'message'>;

function cond(type: string, status: 'True' | 'False', reason?: string, message?: string): BareCondition {
  const c: BareCondition = { type, status };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function statusOf(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** `ContainersReady`: every sidecar and regular container is ready. */
export function generateContainersReadyCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[] | undefined,
  phase: PodPhase,
): BareCondition {
  if (!statuses) return cond('ContainersReady', 'False', UnknownContainerStatuses);
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (name: string): void => {
    const s = statusOf(statuses, name);
    if (!s) unknown.push(name);
    else if (!s.ready) unready.push(name);
  };
  for (const c of pod.spec?.initContainers ?? []) if (isRestartableInitContainer(c)) check(c.name);
  for (const c of pod.spec?.containers ?? []) check(c.name);

  if (phase === 'Succeeded' && unknown.length === 0) return cond('ContainersReady', 'False', PodCompleted);
  if (phase === 'Failed') return cond('ContainersReady', 'False', PodFailedReason);

  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goStringSlice(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goStringSlice(unready)}`);
  if (messages.length > 0) return cond('ContainersReady', 'False', ContainersNotReady, messages.join(', '));
  return cond('ContainersReady', 'True');
}

/** `Ready`: ContainersReady, plus every readiness gate's condition True. */
export function generatePodReadyCondition(
  pod: Pod,
  conditions: readonly Pick<PodCondition, 'type' | 'status'>[],
  statuses: readonly ContainerStatus[] | undefined,
  phase: PodPhase,
): BareCondition {
  const containersReady = generateContainersReadyCondition(pod, statuses, phase);
  if (containersReady.status !== 'True') {
    return { ...containersReady, type: 'Ready' };
  }
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') {
      messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
  }
  if (messages.length > 0) return cond('Ready', 'False', ReadinessGatesNotReady, messages.join(', '));
  return cond('Ready', 'True');
}

/** `Initialized`: every classic init container completed and every sidecar started. */
export function generatePodInitializedCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[] | undefined,
  phase: PodPhase,
): BareCondition {
  const initContainers = pod.spec?.initContainers ?? [];
  if (!statuses && initContainers.length > 0) return cond('Initialized', 'False', UnknownContainerStatuses);
  const all = statuses ?? [];
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of initContainers) {
    const s = statusOf(all, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    const initialized = isRestartableInitContainer(c) ? s.started === true : s.ready;
    if (!initialized) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return cond('Initialized', 'True', PodCompleted);
  // A regular container that ran proves initialization happened (sidecars may be restarting).
  const regular = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  if (all.some((s) => regular.has(s.name) && (s.state?.running || s.state?.terminated))) {
    return cond('Initialized', 'True');
  }
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goStringSlice(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goStringSlice(incomplete)}`);
  if (messages.length > 0) return cond('Initialized', 'False', ContainersNotInitialized, messages.join(', '));
  return cond('Initialized', 'True');
}

/** `PodReadyToStartContainers`: True once a sandbox with networking exists (no new one needed). */
export function generatePodReadyToStartContainersCondition(pod: Pod, runtime: PodRuntimeStatus): BareCondition {
  return cond('PodReadyToStartContainers', podSandboxChanged(pod, runtime).changed ? 'False' : 'True');
}
