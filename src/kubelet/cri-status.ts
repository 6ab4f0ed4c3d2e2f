import type { PodSandboxStatus__Output } from '../cri/generated/runtime/v1/PodSandboxStatus.js';
import type { ContainerStatus__Output } from '../cri/generated/runtime/v1/ContainerStatus.js';
import { getContainerInfoFromAnnotations, getContainerInfoFromLabels } from './labels.js';
import type { ContainerRuntimeStatus, ContainerState, SandboxStatus } from './runtime-status.js';

/* The kubelet reads CRI answers into its own pod status shape (upstream GetPodStatus and
 * toKubeContainerStatus): names, hashes and restart counts come back from the labels and
 * annotations the kubelet itself set at create time. */

export function toSandboxStatus(s: PodSandboxStatus__Output): SandboxStatus {
  return {
    id: s.id,
    attempt: s.metadata?.attempt ?? 0,
    state: s.state === 'SANDBOX_READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
    createdAt: BigInt(s.createdAt || '0'),
    ip: s.network?.ip ?? '',
    hostNetwork: s.linux?.namespaces?.options?.network === 'NODE',
  };
}

const STATE: Record<string, ContainerState> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};

function containerTypeOf(v: string | undefined): ContainerRuntimeStatus['type'] {
  return v === 'init' || v === 'ephemeral' ? v : 'container';
}

export function toContainerRuntimeStatus(c: ContainerStatus__Output, podSandboxId?: string): ContainerRuntimeStatus {
  const fromLabels = getContainerInfoFromLabels(c.labels);
  const fromAnnotations = getContainerInfoFromAnnotations(c.annotations);
  return {
    id: c.id,
    name: fromLabels.containerName || c.metadata?.name || '',
    attempt: c.metadata?.attempt ?? 0,
    state: STATE[c.state] ?? 'unknown',
    createdAt: BigInt(c.createdAt || '0'),
    startedAt: BigInt(c.startedAt || '0'),
    finishedAt: BigInt(c.finishedAt || '0'),
    exitCode: c.exitCode,
    reason: c.reason,
    message: c.message,
    hash: fromAnnotations.hash,
    image: c.image?.image ?? '',
    imageRef: c.imageRef,
    type: containerTypeOf(c.annotations['io.kubernetes.container.type']),
    ...(podSandboxId ? { podSandboxId } : {}),
  };
}
