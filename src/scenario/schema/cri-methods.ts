/**
 * The RPC names a scenario may wait for or expect: every method of the CRI v1 RuntimeService
 * and ImageService, in the order `proto/runtime/v1/api.proto` declares them (which follows
 * `cri-api:pkg/apis/runtime/v1/api.proto`). A misspelt call in a scenario is caught at load
 * time instead of waiting forever for a call that cannot happen.
 */
export const CRI_RUNTIME_SERVICE_METHODS = [
  'Version',
  'RunPodSandbox',
  'StopPodSandbox',
  'RemovePodSandbox',
  'PodSandboxStatus',
  'ListPodSandbox',
  'StreamPodSandboxes',
  'CreateContainer',
  'StartContainer',
  'StopContainer',
  'RemoveContainer',
  'ListContainers',
  'StreamContainers',
  'ContainerStatus',
  'UpdateContainerResources',
  'ReopenContainerLog',
  'ExecSync',
  'Exec',
  'Attach',
  'PortForward',
  'ContainerStats',
  'ListContainerStats',
  'StreamContainerStats',
  'PodSandboxStats',
  'ListPodSandboxStats',
  'StreamPodSandboxStats',
  'UpdateRuntimeConfig',
  'Status',
  'CheckpointContainer',
  'CheckpointPod',
  'RestorePod',
  'GetContainerEvents',
  'ListMetricDescriptors',
  'ListPodSandboxMetrics',
  'StreamPodSandboxMetrics',
  'RuntimeConfig',
  'UpdatePodSandboxResources',
] as const;

export const CRI_IMAGE_SERVICE_METHODS = [
  'ListImages',
  'StreamImages',
  'ImageStatus',
  'PullImage',
  'RemoveImage',
  'ImageFsInfo',
] as const;

export const CRI_METHODS = [...CRI_RUNTIME_SERVICE_METHODS, ...CRI_IMAGE_SERVICE_METHODS] as const;
