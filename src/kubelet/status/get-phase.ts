/**
 * The pod phase from its container statuses — the counterpart of upstream `getPhase`
 * (k8s:pkg/kubelet/kubelet_pods.go), with the alpha `ContainerRestartRules` gate off.
 *
 * - Classic init containers: any failed one with `restartPolicy: Never` → Failed; any not yet
 *   completed → Pending.
 * - Sidecars (restartable init containers) count as running while running; a sidecar not yet
 *   started keeps the pod Pending unless the pod was already initialized.
 * - Regular containers: any waiting without a previous termination → Pending; all started and one
 *   running → Running; none running and some stopped → by restart policy: Always → Running
 *   (restarting), all succeeded → Succeeded, Never → Failed, OnFailure → Running.
 * - `podIsTerminal` (the pod worker decided the pod is done) turns "none running" into
 *   Succeeded/Failed whatever the policy (not for static pods upstream; see TODO #116484 there).
 */

import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { isRestartableInitContainer, podRestartPolicy } from '../sync/restart-policy.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

function statusOf(info: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return info.find((s) => s.name === name);
}

export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.['kubernetes.io/config.source'];
  return source !== undefined && source !== 'api';
}

export function getPhase(
  pod: Pod,
  info: readonly ContainerStatus[],
  podIsTerminal: boolean,
  podHasInitialized: boolean,
): PodPhase {
  const spec = pod.spec;
  const initContainers = spec?.initContainers ?? [];
  let pendingRestartableInitContainers = 0;
  let pendingRegularInitContainers = 0;
  let failedInitialization = 0;

  for (const c of initContainers) {
    if (isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      pendingRegularInitContainers++;
      continue;
    }
    if (s.state?.running) {
      pendingRegularInitContainers++;
    } else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else {
        pendingRegularInitContainers++;
      }
    } else {
      pendingRegularInitContainers++;
    }
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;

  for (const c of initContainers) {
    if (!isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) {
      if (s.started !== true) pendingRestartableInitContainers++;
      running++;
    } else if (s.state?.terminated) {
      // Terminated sidecars do not count towards the phase.
    } else if (s.state?.waiting) {
      if (!s.lastState?.terminated) {
        pendingRestartableInitContainers++;
        waiting++;
      }
    } else {
      pendingRestartableInitContainers++;
      unknown++;
    }
  }

  for (const c of spec?.containers ?? []) {
    const s = statusOf(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) {
      running++;
    } else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }

  const policy = podRestartPolicy(pod);
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';

  if (
    pendingRegularInitContainers > 0 ||
    (pendingRestartableInitContainers > 0 && !podHasInitialized) ||
    waiting > 0
  ) {
    return 'Pending';
  }
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal && !isStaticPod(pod)) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
