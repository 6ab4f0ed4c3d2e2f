/**
 * What the kubelet writes into CRI configs so it can find its pods again, and how it reads it
 * back: labels and annotations of `PodSandboxConfig` / `ContainerConfig`
 * (k8s:pkg/kubelet/kuberuntime/labels.go, keys from kubernetes/kubelet pkg/types/labels.go), and
 * the log paths (k8s:pkg/kubelet/kuberuntime/helpers.go). Labels are what ListPodSandbox /
 * ListContainers filter on; annotations carry what the kubelet needs to kill a container after
 * a restart when it no longer has the spec (hash, restart count, grace periods, preStop).
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { DefaultContainerLogsDir, DefaultPodLogsDir, ext4MaxFileNameLen } from './constants.js';
import { hashContainer } from './container-hash.js';

// Label keys (kubernetes/kubelet pkg/types/labels.go).
export const KubernetesPodNameLabel = 'io.kubernetes.pod.name';
export const KubernetesPodNamespaceLabel = 'io.kubernetes.pod.namespace';
export const KubernetesPodUIDLabel = 'io.kubernetes.pod.uid';
export const KubernetesContainerNameLabel = 'io.kubernetes.container.name';

// Annotation keys (k8s:pkg/kubelet/kuberuntime/labels.go).
export const podDeletionGracePeriodLabel = 'io.kubernetes.pod.deletionGracePeriod';
export const podTerminationGracePeriodLabel = 'io.kubernetes.pod.terminationGracePeriod';
export const containerHashLabel = 'io.kubernetes.container.hash';
export const containerRestartCountLabel = 'io.kubernetes.container.restartCount';
export const containerTerminationMessagePathLabel = 'io.kubernetes.container.terminationMessagePath';
export const containerTerminationMessagePolicyLabel = 'io.kubernetes.container.terminationMessagePolicy';
export const containerPreStopHandlerLabel = 'io.kubernetes.container.preStopHandler';
export const containerPortsLabel = 'io.kubernetes.container.ports';
/** `init` / `container` / `ephemeral`. Listed in the fact sheet (§1.2, from a 2025 copy of
 *  labels.go); the older upstream labels.go read for this module does not write it. crilab writes
 *  it so a status read back from the runtime knows which list a container belongs to. */
export const containerTypeLabel = 'io.kubernetes.container.type';

export type ContainerTypeValue = 'init' | 'container' | 'ephemeral';

/** Which list of the pod spec a container name belongs to. */
export function containerTypeOf(pod: Pod, containerName: string): ContainerTypeValue {
  if ((pod.spec?.initContainers ?? []).some((c) => c.name === containerName)) return 'init';
  if ((pod.spec?.ephemeralContainers ?? []).some((c) => c.name === containerName)) return 'ephemeral';
  return 'container';
}

type StringMap = Record<string, string>;

/** Sandbox labels: all pod labels plus name, namespace and uid (upstream `newPodLabels`). */
export function newPodLabels(pod: Pod): StringMap {
  const meta = pod.metadata ?? {};
  return {
    ...(meta.labels ?? {}),
    [KubernetesPodNameLabel]: meta.name ?? '',
    [KubernetesPodNamespaceLabel]: meta.namespace ?? '',
    [KubernetesPodUIDLabel]: meta.uid ?? '',
  };
}

/** Sandbox annotations: the pod's annotations unchanged (upstream `newPodAnnotations`). */
export function newPodAnnotations(pod: Pod): StringMap {
  return { ...(pod.metadata?.annotations ?? {}) };
}

/** Container labels: exactly four keys (upstream `newContainerLabels`). */
export function newContainerLabels(container: Container, pod: Pod): StringMap {
  const meta = pod.metadata ?? {};
  return {
    [KubernetesPodNameLabel]: meta.name ?? '',
    [KubernetesPodNamespaceLabel]: meta.namespace ?? '',
    [KubernetesPodUIDLabel]: meta.uid ?? '',
    [KubernetesContainerNameLabel]: container.name,
  };
}

/**
 * Container annotations (upstream `newContainerAnnotations`). The API server defaults
 * `terminationMessagePath`/`Policy`; for pods that skipped defaulting (static pods read by crilab)
 * the kubelet would write empty strings, so the API defaults are applied here.
 * Not written: `hashWithoutResources` (only with InPlacePodVerticalScaling) and device-plugin
 * annotations.
 */
export function newContainerAnnotations(
  container: Container,
  pod: Pod,
  restartCount: number,
  type: ContainerTypeValue = containerTypeOf(pod, container.name),
): StringMap {
  const annotations: StringMap = {
    [containerHashLabel]: hashContainer(container),
    [containerRestartCountLabel]: String(restartCount),
    [containerTerminationMessagePathLabel]: container.terminationMessagePath ?? '/dev/termination-log',
    [containerTerminationMessagePolicyLabel]: container.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata?.deletionGracePeriodSeconds != null) {
    annotations[podDeletionGracePeriodLabel] = String(pod.metadata.deletionGracePeriodSeconds);
  }
  if (pod.spec?.terminationGracePeriodSeconds != null) {
    annotations[podTerminationGracePeriodLabel] = String(pod.spec.terminationGracePeriodSeconds);
  }
  if (container.lifecycle?.preStop) {
    annotations[containerPreStopHandlerLabel] = JSON.stringify(container.lifecycle.preStop);
  }
  if (container.ports && container.ports.length > 0) {
    annotations[containerPortsLabel] = JSON.stringify(container.ports);
  }
  annotations[containerTypeLabel] = type;
  return annotations;
}

/** What the kubelet reads back from a sandbox's labels (upstream `getPodSandboxInfoFromLabels`). */
export interface LabeledPodSandboxInfo {
  /** The pod's own labels (the three kubelet keys removed). */
  labels: StringMap;
  podName: string;
  podNamespace: string;
  podUID: string;
}

export function getPodSandboxInfoFromLabels(labels: StringMap): LabeledPodSandboxInfo {
  const own: StringMap = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k !== KubernetesPodNameLabel && k !== KubernetesPodNamespaceLabel && k !== KubernetesPodUIDLabel) {
      own[k] = v;
    }
  }
  return {
    labels: own,
    podName: labels[KubernetesPodNameLabel] ?? '',
    podNamespace: labels[KubernetesPodNamespaceLabel] ?? '',
    podUID: labels[KubernetesPodUIDLabel] ?? '',
  };
}

/** Upstream `getContainerInfoFromLabels`. Missing keys read as "" (old or foreign containers). */
export interface LabeledContainerInfo {
  containerName: string;
  podName: string;
  podNamespace: string;
  podUID: string;
}

export function getContainerInfoFromLabels(labels: StringMap): LabeledContainerInfo {
  return {
    containerName: labels[KubernetesContainerNameLabel] ?? '',
    podName: labels[KubernetesPodNameLabel] ?? '',
    podNamespace: labels[KubernetesPodNamespaceLabel] ?? '',
    podUID: labels[KubernetesPodUIDLabel] ?? '',
  };
}

/** Upstream `getContainerInfoFromAnnotations`. Unparseable numbers read as 0 / undefined,
 *  as upstream does (it logs and carries on). */
export interface AnnotatedContainerInfo {
  /** Hex string as written; "" if absent. */
  hash: string;
  restartCount: number;
  podDeletionGracePeriod?: number;
  podTerminationGracePeriod?: number;
  terminationMessagePath: string;
  terminationMessagePolicy: string;
  preStopHandler?: unknown;
  containerPorts?: unknown[];
  /** From `io.kubernetes.container.type`; `container` when absent or unrecognised. */
  containerType: ContainerTypeValue;
}

function parseIntOr(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^-?\d+$/.test(value)) return fallback;
  return Number.parseInt(value, 10);
}

function parseJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function parseContainerType(v: string | undefined): ContainerTypeValue {
  return v === 'init' || v === 'ephemeral' ? v : 'container';
}

export function getContainerInfoFromAnnotations(annotations: StringMap): AnnotatedContainerInfo {
  const hash = annotations[containerHashLabel] ?? '';
  const info: AnnotatedContainerInfo = {
    hash: /^[0-9a-f]+$/i.test(hash) ? hash.toLowerCase() : '',
    restartCount: parseIntOr(annotations[containerRestartCountLabel], 0),
    terminationMessagePath: annotations[containerTerminationMessagePathLabel] ?? '',
    terminationMessagePolicy: annotations[containerTerminationMessagePolicyLabel] ?? '',
    containerType: parseContainerType(annotations[containerTypeLabel]),
  };
  const deletion = annotations[podDeletionGracePeriodLabel];
  if (deletion !== undefined && /^-?\d+$/.test(deletion)) info.podDeletionGracePeriod = Number(deletion);
  const termination = annotations[podTerminationGracePeriodLabel];
  if (termination !== undefined && /^-?\d+$/.test(termination)) {
    info.podTerminationGracePeriod = Number(termination);
  }
  const preStop = parseJson(annotations[containerPreStopHandlerLabel]);
  if (preStop !== undefined) info.preStopHandler = preStop;
  const ports = parseJson(annotations[containerPortsLabel]);
  if (Array.isArray(ports)) info.containerPorts = ports;
  return info;
}

// ---------------------------------------------------------------------------------------------
// Log paths (k8s:pkg/kubelet/kuberuntime/helpers.go)
// ---------------------------------------------------------------------------------------------

/** `PodSandboxConfig.log_directory`: `<podLogsDir>/<namespace>_<name>_<uid>` (`BuildPodLogsDirectory`). */
export function buildPodLogsDirectory(
  namespace: string,
  podName: string,
  podUID: string,
  podLogsDir: string = DefaultPodLogsDir,
): string {
  return `${podLogsDir.replace(/\/+$/, '')}/${namespace}_${podName}_${podUID}`;
}

/** A container's directory inside it (`BuildContainerLogsDirectory`). */
export function buildContainerLogsDirectory(
  namespace: string,
  podName: string,
  podUID: string,
  containerName: string,
  podLogsDir: string = DefaultPodLogsDir,
): string {
  return `${buildPodLogsDirectory(namespace, podName, podUID, podLogsDir)}/${containerName}`;
}

/** `ContainerConfig.log_path`, relative to the pod log dir: `<container>/<restartCount>.log`. */
export function buildContainerLogsPath(containerName: string, restartCount: number): string {
  return `${containerName}/${restartCount}.log`;
}

/** The reverse of `buildContainerLogsPath` (`null` if it is not of that form). */
export function parseContainerLogsPath(logPath: string): { containerName: string; restartCount: number } | null {
  const m = /^([^/]+)\/(\d+)\.log$/.exec(logPath);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { containerName: m[1], restartCount: Number(m[2]) };
}

/** The reverse of `buildPodLogsDirectory`'s last element: `<ns>_<name>_<uid>`. Names and
 *  namespaces are DNS labels/subdomains and cannot contain `_`, so the split is unambiguous. */
export function parsePodLogsDirectoryName(dirName: string): { namespace: string; podName: string; podUID: string } | null {
  const parts = dirName.split('_');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  const [namespace, podName, podUID] = parts as [string, string, string];
  return { namespace, podName, podUID };
}

/**
 * Restart count recovered from the log directory when the runtime lost every status
 * (upstream `calcRestartCountByLogDir`): max N over files `N.log` (or `N.log.<suffix>`) + 1, or 0.
 */
export function calcRestartCountFromLogFiles(fileNames: readonly string[]): number {
  let count = 0;
  for (const name of fileNames) {
    const m = /^(\d+)\.log(\..*)?$/.exec(name);
    if (!m || m[1] === undefined) continue;
    count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

/** Legacy symlink `/var/log/containers/<pod>_<ns>_<container>-<containerID>.log`; the name before
 *  `.log` is cut so the file name fits ext4's 255 characters (upstream `logSymlink`,
 *  k8s:pkg/kubelet/kuberuntime/legacy.go). */
export function legacyLogSymlink(
  containerID: string,
  containerName: string,
  podName: string,
  podNamespace: string,
  containerLogsDir = DefaultContainerLogsDir,
): string {
  const suffix = '.log';
  let name = `${podName}_${podNamespace}_${containerName}-${containerID}`;
  if (name.length > ext4MaxFileNameLen - suffix.length) name = name.slice(0, ext4MaxFileNameLen - suffix.length);
  return `${containerLogsDir}/${name}${suffix}`;
}
