/**
 * Upstream `containerChanged` (k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go): compare the
 * hash of the desired spec with the hash the running instance was created with (read back from
 * its `io.kubernetes.container.hash` annotation).
 */

import type { Container } from 'kubernetes-types/core/v1.js';
import { hashContainer } from '../container-hash.js';
import type { ContainerRuntimeStatus } from '../runtime-status.js';

export interface ContainerChange {
  expectedHash: string;
  actualHash: string;
  changed: boolean;
}

export function containerChanged(container: Container, status: Pick<ContainerRuntimeStatus, 'hash'>): ContainerChange {
  const expectedHash = hashContainer(container);
  return { expectedHash, actualHash: status.hash, changed: status.hash !== expectedHash };
}
