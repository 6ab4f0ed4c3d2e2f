export { generatePodStatus, type GeneratePodStatusInput } from './generate-pod-status.js';
export { getPhase, isStaticPod, type PodPhase } from './get-phase.js';
export * from './conditions.js';
export {
  applyProbeResults,
  convertToAPIContainerStatuses,
  ContainerCreating,
  ContainerReasonStatusUnknown,
  PodInitializing,
  type ConvertContainerStatusesInput,
  type SyncError,
} from './container-statuses.js';
export { apiTimeFromNanos, goStringSlice, kubeContainerId, rfc3339Seconds } from './format.js';
export { getPodQOS, type QOSClass } from './qos.js';
