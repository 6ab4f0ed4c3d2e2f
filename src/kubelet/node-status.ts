/**
 * The node's status as the kubelet reports it to the API — its runtime state
 * (k8s:pkg/kubelet/runtime.go `runtimeState`) and the condition setters
 * (k8s:pkg/kubelet/nodestatus/setters.go `ReadyCondition`, `MemoryPressureCondition`,
 * `DiskPressureCondition`, `PIDPressureCondition`).
 *
 * Ready is True ("KubeletReady", "kubelet is posting ready status") unless there are runtime or
 * network errors; then False ("KubeletNotReady") with the errors joined by "," — each list
 * printed as Go's error aggregate (one error alone, several as `[a, b]`):
 * - runtime errors: "container runtime status check may not have completed yet" (no Status
 *   answer yet), "container runtime is down" (no successful Status for `maxWaitForContainerRuntime`,
 *   30 s), "PLEG is not healthy: pleg was last seen active …; threshold is 3m0s", and
 *   "container runtime not ready: RuntimeReady=false reason:… message:…";
 * - network errors: "container runtime network not ready: NetworkReady=false reason:… message:…",
 *   or "network state unknown" before the first Status.
 * The pressure conditions are always False here (crilab has no eviction manager); they carry
 * upstream's reasons and messages. Ready comes last, as upstream keeps it (kubernetes#16961).
 * `lastTransitionTime` changes only when a condition's status does.
 */

import type { NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { ErrNetworkUnknownMsg, maxPods, maxWaitForContainerRuntimeMs } from './constants.js';

export interface HealthCheck {
  name: string;
  check(): { ok: boolean; message: string };
}

/** Go's `utilerrors.NewAggregate(errs).Error()`. */
export function aggregateErrors(errs: readonly string[]): string {
  if (errs.length === 0) return '';
  if (errs.length === 1) return errs[0]!;
  return `[${errs.join(', ')}]`;
}

export class RuntimeState {
  /** Clock time of the last successful CRI Status with the runtime ready (`lastBaseRuntimeSync`). */
  lastBaseRuntimeSyncMs: number | undefined;
  runtimeError: string | undefined;
  networkError: string | undefined = ErrNetworkUnknownMsg;
  private readonly healthChecks: HealthCheck[] = [];

  constructor(private readonly now: () => number) {}

  addHealthCheck(h: HealthCheck): void {
    this.healthChecks.push(h);
  }

  runtimeErrors(): string[] {
    const errs: string[] = [];
    if (this.lastBaseRuntimeSyncMs === undefined) errs.push('container runtime status check may not have completed yet');
    else if (!(this.lastBaseRuntimeSyncMs + maxWaitForContainerRuntimeMs > this.now())) errs.push('container runtime is down');
    for (const h of this.healthChecks) {
      const r = h.check();
      if (!r.ok) errs.push(`${h.name} is not healthy: ${r.message}`);
    }
    if (this.runtimeError) errs.push(this.runtimeError);
    return errs;
  }

  networkErrors(): string[] {
    return this.networkError ? [this.networkError] : [];
  }
}

export interface NodeStatusInput {
  nodeName: string;
  nodeIP: string;
  now: number;
  runtimeErrors: readonly string[];
  networkErrors: readonly string[];
  /** `containerd://v1.7.x` style runtime version for nodeInfo. */
  containerRuntimeVersion: string;
  kubeletVersion: string;
  previous?: NodeStatus;
}

type Bare = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

export function generateNodeStatus(input: NodeStatusInput): NodeStatus {
  const at = new Date(input.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const rs = [aggregateErrors(input.runtimeErrors), aggregateErrors(input.networkErrors)].filter((e) => e !== '');
  const bare: Bare[] = [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    rs.length === 0
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: rs.join(',') },
  ];
  const conditions: NodeCondition[] = bare.map((c) => {
    const old = input.previous?.conditions?.find((o) => o.type === c.type);
    const lastTransitionTime = old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : at;
    return { ...c, lastHeartbeatTime: at, lastTransitionTime };
  });
  return {
    conditions,
    addresses: [
      { type: 'InternalIP', address: input.nodeIP },
      { type: 'Hostname', address: input.nodeName },
    ],
    capacity: { pods: String(maxPods) },
    allocatable: { pods: String(maxPods) },
    nodeInfo: {
      architecture: 'amd64',
      operatingSystem: 'linux',
      containerRuntimeVersion: input.containerRuntimeVersion,
      kubeletVersion: input.kubeletVersion,
      kubeProxyVersion: '',
      bootID: '',
      kernelVersion: '',
      machineID: '',
      osImage: 'crilab',
      systemUUID: '',
    },
  };
}

/** The Ready condition of a node status. */
export function readyCondition(status: NodeStatus): NodeCondition | undefined {
  return status.conditions?.find((c) => c.type === 'Ready');
}

/** Two statuses that differ only in heartbeat times are the same news. */
export function sameNodeStatus(a: NodeStatus | undefined, b: NodeStatus): boolean {
  if (!a) return false;
  const strip = (s: NodeStatus) => JSON.stringify({ ...s, conditions: s.conditions?.map(({ lastHeartbeatTime: _h, ...rest }) => rest) });
  return strip(a) === strip(b);
}
