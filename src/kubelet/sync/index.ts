export { computePodActions, type ComputePodActionsContext } from './compute-pod-actions.js';
export { computeInitContainerActions } from './init-container-actions.js';
export { podSandboxChanged, type SandboxChange, type SandboxChangeReason } from './pod-sandbox-changed.js';
export {
  summarizePodActions,
  type ContainerBackOff,
  type ContainerToKill,
  type KillReason,
  type PodActions,
} from './pod-actions.js';
export { checkBackOff, doBackOff, formatPod, getStableKey, type BackOffCheck } from './do-back-off.js';
export { containerChanged, type ContainerChange } from './container-changed.js';
export * from './restart-policy.js';
export * from './probe-results.js';
