import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig } from '../cri/generated/runtime/v1/ContainerConfig.js';
import { buildContainerLogsPath, newContainerAnnotations, newContainerLabels } from './labels.js';

/** Kubernetes' `$(VAR)` expansion in command and args, from the container's env. */
function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name]! : m,
  );
}

/**
 * The ContainerConfig the kubelet sends with CreateContainer (upstream generateContainerConfig):
 * metadata with the restart count as attempt, the image ID from the image manager, command and
 * args after `$(VAR)` expansion, env, labels and annotations, the log path
 * `<container>/<restartCount>.log`, and the Linux namespace options (`namespacesForPod`).
 */
export function generateContainerConfig(
  pod: Pod,
  container: Container,
  restartCount: number,
  imageRef: string,
  type: 'init' | 'container',
  ownerLabels: Record<string, string>,
): ContainerConfig {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = expand(e.value, env);
  const annotations = newContainerAnnotations(container, pod, restartCount, type);
  return {
    metadata: { name: container.name, attempt: restartCount },
    image: { image: imageRef, userSpecifiedImage: container.image ?? '' },
    command: (container.command ?? []).map((c) => expand(c, env)),
    args: (container.args ?? []).map((a) => expand(a, env)),
    workingDir: container.workingDir ?? '',
    envs: Object.entries(env).map(([key, value]) => ({ key, value })),
    labels: { ...newContainerLabels(container, pod), ...ownerLabels },
    annotations,
    logPath: buildContainerLogsPath(container.name, restartCount),
    // Upstream generateLinuxContainerConfig → namespacesForPod: without these the CRI defaults
    // (mode POD for every namespace) would put the container in the sandbox's PID namespace.
    linux: {
      securityContext: {
        namespaceOptions: {
          network: pod.spec?.hostNetwork ? 'NODE' : 'POD',
          pid: pod.spec?.hostPID ? 'NODE' : pod.spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: pod.spec?.hostIPC ? 'NODE' : 'POD',
        },
      },
    },
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    tty: container.tty ?? false,
  };
}
