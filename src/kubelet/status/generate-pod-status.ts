/**
 * The pod status the API would show — the counterpart of upstream `generateAPIPodStatus` and
 * `convertStatusToAPIStatus` (k8s:pkg/kubelet/kubelet_pods.go), plus the parts the status manager
 * adds when it stores it (k8s:pkg/kubelet/status/status_manager.go): `startTime` set once, and
 * condition `lastTransitionTime` kept unless the condition's status changed.
 *
 * Condition order is upstream's: PodReadyToStartContainers, Initialized, Ready, ContainersReady,
 * PodScheduled.
 */

import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { activeContainers, podIPsOf, type PodRuntimeStatus } from '../runtime-status.js';
import type { ProbeResults } from '../sync/probe-results.js';
import {
  generateContainersReadyCondition,
  generatePodInitializedCondition,
  generatePodReadyCondition,
  generatePodReadyToStartContainersCondition,
  type BareCondition,
} from './conditions.js';
import { applyProbeResults, convertToAPIContainerStatuses, type SyncError } from './container-statuses.js';
import { rfc3339Seconds } from './format.js';
import { getPhase, type PodPhase } from './get-phase.js';
import { getPodQOS } from './qos.js';

export interface GeneratePodStatusInput {
  pod: Pod;
  runtime: PodRuntimeStatus;
  /** Clock time, ms: `startTime` and condition transition times. */
  now: number;
  /** Last failed start per container name (upstream reason cache). */
  syncErrors?: Readonly<Record<string, SyncError>>;
  probes?: ProbeResults;
  /** The status generated last time (upstream: the status manager's cached copy). */
  previous?: PodStatus;
  /** The node's IP (`status.hostIP`; also the pod IP of host-network pods). */
  hostIP?: string;
  /** The pod worker decided the pod is finished (terminal phase regardless of restartPolicy). */
  podIsTerminal?: boolean;
  /** Prefix of container IDs, from the runtime's Version RPC. Default `containerd`. */
  runtimeName?: string;
  /** Emit `PodReadyToStartContainers` (gate PodReadyToStartContainersCondition, beta and on by
   *  default since 1.29). Default true. */
  readyToStartContainersCondition?: boolean;
}

const TERMINAL: readonly PodPhase[] = ['Succeeded', 'Failed'];

export function generatePodStatus(input: GeneratePodStatusInput): PodStatus {
  const { pod, runtime, previous } = input;
  const runtimeName = input.runtimeName ?? 'containerd';
  const initContainers = pod.spec?.initContainers ?? [];
  const containers = pod.spec?.containers ?? [];
  const hasInitContainers = initContainers.length > 0;

  const containerStatuses = convertToAPIContainerStatuses({
    pod,
    runtime,
    containers,
    hasInitContainers,
    isInitContainer: false,
    runtimeName,
    ...(previous?.containerStatuses ? { previous: previous.containerStatuses } : {}),
    ...(input.syncErrors ? { syncErrors: input.syncErrors } : {}),
  });
  const initContainerStatuses = convertToAPIContainerStatuses({
    pod,
    runtime,
    containers: initContainers,
    hasInitContainers,
    isInitContainer: true,
    runtimeName,
    ...(previous?.initContainerStatuses ? { previous: previous.initContainerStatuses } : {}),
    ...(input.syncErrors ? { syncErrors: input.syncErrors } : {}),
  });

  // Upstream computes the phase before the prober pass and reads a sidecar's `started` carried
  // over from the previous status; crilab runs the prober pass first, so a sidecar's start is
  // reflected in the phase one sync earlier. Nothing else in getPhase reads started/ready.
  applyProbeResults(containerStatuses, containers, input.probes, false);
  applyProbeResults(initContainerStatuses, initContainers, input.probes, true);

  const regularNames = new Set(containers.map((c) => c.name));
  const podHasInitialized = activeContainers(runtime).some((c) => regularNames.has(c.name));
  let phase = getPhase(
    pod,
    [...containerStatuses, ...initContainerStatuses],
    input.podIsTerminal ?? false,
    podHasInitialized,
  );
  // Terminal phases are sticky: never leave Succeeded/Failed once reported.
  const previousPhase = previous?.phase as PodPhase | undefined;
  const apiPhase = pod.status?.phase as PodPhase | undefined;
  if (!TERMINAL.includes(phase)) {
    if (previousPhase && TERMINAL.includes(previousPhase)) phase = previousPhase;
    else if (apiPhase && TERMINAL.includes(apiPhase)) phase = apiPhase;
  }

  const all: ContainerStatus[] = [...initContainerStatuses, ...containerStatuses];
  const bare: BareCondition[] = [];
  if (input.readyToStartContainersCondition ?? true) bare.push(generatePodReadyToStartContainersCondition(pod, runtime));
  bare.push(generatePodInitializedCondition(pod, all, phase));
  bare.push(generatePodReadyCondition(pod, [...(pod.status?.conditions ?? []), ...bare], all, phase));
  bare.push(generateContainersReadyCondition(pod, all, phase));
  bare.push({ type: 'PodScheduled', status: 'True' });

  const nowText = rfc3339Seconds(input.now);
  const conditions: PodCondition[] = bare.map((c) => {
    const old = previous?.conditions?.find((o) => o.type === c.type);
    const lastTransitionTime = old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : nowText;
    return { ...c, lastTransitionTime };
  });

  const status: PodStatus = {
    phase,
    conditions,
    qosClass: getPodQOS(pod),
    startTime: previous?.startTime ?? pod.status?.startTime ?? nowText,
    initContainerStatuses,
    containerStatuses,
  };
  if (!hasInitContainers) delete status.initContainerStatuses;

  if (input.hostIP) {
    status.hostIP = input.hostIP;
    status.hostIPs = [{ ip: input.hostIP }];
  }
  const podIPs = pod.spec?.hostNetwork ? (input.hostIP ? [input.hostIP] : []) : podIPsOf(runtime);
  if (podIPs.length > 0) {
    status.podIP = podIPs[0] as string;
    status.podIPs = podIPs.map((ip) => ({ ip }));
  }
  return status;
}
