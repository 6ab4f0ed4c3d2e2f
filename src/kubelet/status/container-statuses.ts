/**
 * `status.containerStatuses` / `initContainerStatuses` — the counterpart of upstream
 * `convertToAPIContainerStatuses` (k8s:pkg/kubelet/kubelet_pods.go) followed by the prober
 * manager's `UpdatePodStatus` (k8s:pkg/kubelet/prober/prober_manager.go), which sets `started`
 * and `ready`.
 *
 * Where each reason comes from:
 * - no runtime instance yet → default waiting reason `ContainerCreating`, or `PodInitializing`
 *   when the pod has init containers;
 * - created but not started → waiting with no reason;
 * - exited → terminated with the runtime's reason (`Completed`, `Error`, `OOMKilled`,
 *   `StartError`…), exit code, message, start/finish times;
 * - the container will be restarted and the last sync failed to start it → waiting with the
 *   error name as reason (`CrashLoopBackOff`, `ErrImagePull`, `ImagePullBackOff`,
 *   `CreateContainerError`, `RunContainerError`…) and its message, and the previous
 *   termination moved to `lastState` (upstream's "reason cache");
 * - the second-newest instance becomes `lastState`.
 */

import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import {
  containersNewestFirst,
  findContainerStatusByName,
  type ContainerRuntimeStatus,
  type PodRuntimeStatus,
} from '../runtime-status.js';
import { probeResult, type ProbeResults } from '../sync/probe-results.js';
import {
  hasAnyRegularContainerCreated,
  isRestartableInitContainer,
  shouldContainerBeRestarted,
} from '../sync/restart-policy.js';
import { apiTimeFromNanos, kubeContainerId } from './format.js';

/** Waiting reasons the kubelet itself produces (k8s:pkg/kubelet/kubelet_pods.go). */
export const ContainerCreating = 'ContainerCreating';
export const PodInitializing = 'PodInitializing';
/** `kubecontainer.ContainerReasonStatusUnknown` (k8s:pkg/kubelet/container/runtime.go). */
export const ContainerReasonStatusUnknown = 'ContainerStatusUnknown';

/** The last failed start of a container, as upstream's reason cache keeps it: the error name
 *  (`ErrImagePull`, `CrashLoopBackOff`…) and its message. Cleared by the worker on success. */
export interface SyncError {
  reason: string;
  message: string;
}

export interface ConvertContainerStatusesInput {
  pod: Pod;
  runtime: PodRuntimeStatus;
  /** The statuses the kubelet generated last time (same list: regular or init). */
  previous?: readonly ContainerStatus[];
  containers: readonly Container[];
  hasInitContainers: boolean;
  isInitContainer: boolean;
  syncErrors?: Readonly<Record<string, SyncError>>;
  runtimeName: string;
}

/**
 * A deep copy of status data, which is plain JSON (objects, arrays, strings, numbers, booleans).
 * structuredClone would do, but costs a serialisation round trip per call, several times per
 * container on every status the kubelet generates.
 */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = clone(x);
  return out as T;
}

function convertOne(cs: ContainerRuntimeStatus, old: ContainerStatus | undefined, runtimeName: string): ContainerStatus {
  const cid = kubeContainerId(runtimeName, cs.id);
  const status: ContainerStatus = {
    name: cs.name,
    restartCount: cs.attempt,
    image: cs.image,
    // The digested image ref becomes imageID (historically intentional upstream).
    imageID: cs.imageRef,
    containerID: cid,
    ready: false,
    state: {},
    lastState: {},
  };
  switch (cs.state) {
    case 'running': {
      const startedAt = apiTimeFromNanos(cs.startedAt);
      status.state = { running: startedAt ? { startedAt } : {} };
      break;
    }
    case 'created':
      // Created but not running: "waiting to be running", no reason.
      status.state = { waiting: {} };
      break;
    case 'exited': {
      const terminated: NonNullable<ContainerState['terminated']> = { exitCode: cs.exitCode, containerID: cid };
      if (cs.reason) terminated.reason = cs.reason;
      if (cs.message) terminated.message = cs.message;
      const startedAt = apiTimeFromNanos(cs.startedAt);
      const finishedAt = apiTimeFromNanos(cs.finishedAt);
      if (startedAt) terminated.startedAt = startedAt;
      if (finishedAt) terminated.finishedAt = finishedAt;
      status.state = { terminated };
      break;
    }
    default:
      if (old?.state?.running) {
        // It was running and vanished: say it terminated rather than "never ran".
        status.state = {
          terminated: {
            reason: ContainerReasonStatusUnknown,
            message: 'The container could not be located when the pod was terminated',
            exitCode: 137,
          },
        };
        status.restartCount = old.restartCount + 1;
      } else {
        status.state = { waiting: {} };
      }
  }
  return status;
}

/** Upstream `convertToAPIContainerStatuses`, without `started`/`ready` (see `applyProbeResults`). */
export function convertToAPIContainerStatuses(input: ConvertContainerStatusesInput): ContainerStatus[] {
  const { pod, runtime, containers, hasInitContainers, isInitContainer, runtimeName } = input;
  const oldStatuses = new Map((input.previous ?? []).map((s) => [s.name, s]));
  const defaultWaiting: ContainerState = {
    waiting: { reason: hasInitContainers ? PodInitializing : ContainerCreating },
  };

  const statuses = new Map<string, ContainerStatus>();
  for (const c of containers) {
    let status: ContainerStatus = {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: clone(defaultWaiting),
      lastState: {},
    };
    const old = oldStatuses.get(c.name);
    if (old) {
      if (old.state?.terminated) status = clone(old);
      else {
        status.restartCount = old.restartCount;
        status.lastState = clone(old.lastState ?? {});
      }
    }
    statuses.set(c.name, status);
  }

  // A container that was running and has vanished from the runtime must not read as "never ran".
  for (const c of containers) {
    if (runtime.containers.some((cs) => cs.name === c.name)) continue;
    const old = oldStatuses.get(c.name);
    if (!old || old.state?.terminated || !old.state?.running) continue;
    const status = statuses.get(c.name);
    if (!status) continue;
    const defaultReason = hasInitContainers ? PodInitializing : ContainerCreating;
    if (status.state?.waiting?.reason !== defaultReason || status.lastState?.terminated) continue;
    status.lastState = {
      terminated: {
        reason: ContainerReasonStatusUnknown,
        message: 'The container could not be located when the pod was deleted.  The container used to be Running',
        exitCode: 137,
      },
    };
    if (!pod.metadata?.deletionTimestamp) status.restartCount += 1;
  }

  // Newest instance → state; the one before it → lastState.
  const seen = new Map<string, number>();
  for (const cs of containersNewestFirst(runtime)) {
    const current = statuses.get(cs.name);
    if (!current) continue;
    const count = seen.get(cs.name) ?? 0;
    if (count >= 2) continue;
    const converted = convertOne(cs, oldStatuses.get(cs.name), runtimeName);
    if (count === 0) statuses.set(cs.name, converted);
    else current.lastState = converted.state ?? {};
    seen.set(cs.name, count + 1);
  }

  // Containers that will be restarted show the last start failure as their waiting reason.
  for (const c of containers) {
    if (isInitContainer) {
      const s = findContainerStatusByName(runtime, c.name);
      if (s && s.state === 'exited' && s.exitCode === 0) continue;
      const status = statuses.get(c.name);
      if (!s && !isRestartableInitContainer(c) && hasAnyRegularContainerCreated(pod, runtime) && status?.state?.waiting) {
        status.state = {
          terminated: {
            reason: 'Completed',
            message:
              'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally',
            exitCode: 0,
          },
        };
        continue;
      }
    }
    if (!shouldContainerBeRestarted(c, pod, runtime)) continue;
    const reason = input.syncErrors?.[c.name];
    if (!reason) continue;
    const status = statuses.get(c.name);
    if (!status) continue;
    if (status.state?.terminated) status.lastState = status.state;
    status.state = { waiting: { reason: reason.reason, message: reason.message } };
  }

  if (isInitContainer) {
    return containers.map((c) => statuses.get(c.name)).filter((s): s is ContainerStatus => s !== undefined);
  }
  // Regular statuses are sorted by name (upstream `SortedContainerStatuses`).
  return [...statuses.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The prober manager's pass (`UpdatePodStatus`): `started` = running and (startup probe passed,
 * or there is none); `ready` = started, running and (readiness probe passed, or there is none).
 * Classic init containers are ready once they exited 0. Results are keyed by container ID.
 */
export function applyProbeResults(
  statuses: ContainerStatus[],
  containers: readonly Container[],
  probes: ProbeResults | undefined,
  isInitContainer: boolean,
): void {
  for (const status of statuses) {
    const spec = containers.find((c) => c.name === status.name);
    const id = status.containerID?.replace(/^[^:]*:\/\//, '') ?? '';
    const running = status.state?.running !== undefined;
    let started = false;
    if (running) {
      const startup = probeResult(probes, 'startup', id);
      started = startup !== undefined ? startup === 'Success' : !spec?.startupProbe;
    }
    status.started = started;

    if (isInitContainer && spec && !isRestartableInitContainer(spec)) {
      status.ready = status.state?.terminated?.exitCode === 0;
      continue;
    }
    if (!started) continue;
    const readiness = probeResult(probes, 'readiness', id);
    status.ready = running && (readiness === 'Success' || (readiness === undefined && !spec?.readinessProbe));
  }
}
