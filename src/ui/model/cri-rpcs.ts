/**
 * The RPCs of CRI v1 (`runtime.v1.RuntimeService` and `runtime.v1.ImageService` in
 * proto/runtime/v1/api.proto), as the UI needs them: for the quiz's choices and to tell
 * lifecycle calls from the kubelet's periodic polling. A test checks every name against the proto.
 */

/** Calls that change or inspect one pod's sandbox, containers or images: what the quiz asks about. */
export const LIFECYCLE_RPCS = [
  'RunPodSandbox',
  'PodSandboxStatus',
  'StopPodSandbox',
  'RemovePodSandbox',
  'ImageStatus',
  'PullImage',
  'RemoveImage',
  'CreateContainer',
  'StartContainer',
  'ContainerStatus',
  'StopContainer',
  'RemoveContainer',
  'ExecSync',
  'UpdateContainerResources',
  'ReopenContainerLog',
] as const;

/**
 * Calls the kubelet makes on timers rather than because of one pod: the PLEG relist
 * (ListPodSandbox, ListContainers every second), the runtime health check (Status), image GC
 * and stats (ListImages, ImageFsInfo, *Stats), the Version handshake and the event stream.
 */
export const PERIODIC_RPCS = [
  'Version',
  'Status',
  'RuntimeConfig',
  'ListPodSandbox',
  'ListContainers',
  'ListImages',
  'ImageFsInfo',
  'ContainerStats',
  'ListContainerStats',
  'PodSandboxStats',
  'ListPodSandboxStats',
  'ListMetricDescriptors',
  'ListPodSandboxMetrics',
  'GetContainerEvents',
] as const;

const periodic = new Set<string>(PERIODIC_RPCS);

export function isPeriodicRpc(method: string): boolean {
  return periodic.has(method);
}
