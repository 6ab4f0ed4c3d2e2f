/**
 * The kubelet's own view of what the runtime holds for one pod — the counterpart of upstream
 * `kubecontainer.PodStatus` (k8s:pkg/kubelet/container/runtime.go). It is deliberately free of
 * CRI types: the gRPC-facing worker converts `PodSandboxStatus` / `ContainerStatus` answers into
 * it (as upstream `GetPodStatus` does), and every decision function reads only this shape.
 */

/** Nanoseconds since the epoch, as CRI reports `created_at` & co. 0 = unset. */
export type Nanos = bigint | number;

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface SandboxStatus {
  id: string;
  /** `metadata.attempt`. */
  attempt: number;
  state: SandboxState;
  createdAt: Nanos;
  /** `network.ip`; "" when there is none (host network, netns gone, CNI failed). */
  ip: string;
  /** `linux.namespaces.options.network == NODE`. */
  hostNetwork: boolean;
}

/** Upstream `kubecontainer.State` values (CRI CREATED/RUNNING/EXITED/UNKNOWN lower-cased). */
export type ContainerState = 'running' | 'exited' | 'created' | 'unknown';

export type ContainerType = 'init' | 'container' | 'ephemeral';

export interface ContainerRuntimeStatus {
  id: string;
  /** Container name in the pod spec (label `io.kubernetes.container.name`). */
  name: string;
  /** `metadata.attempt` = the restart count of this instance. */
  attempt: number;
  state: ContainerState;
  createdAt: Nanos;
  startedAt: Nanos;
  finishedAt: Nanos;
  exitCode: number;
  /** Runtime-provided reason (`Completed`, `Error`, `OOMKilled`, `StartError`…). */
  reason: string;
  message: string;
  /** Spec hash read back from annotation `io.kubernetes.container.hash` (hex). */
  hash: string;
  /** CRI `image.image` (containerd: first repo tag, e.g. `docker.io/library/busybox:1.36`). */
  image: string;
  /** CRI `image_ref` (repo digest, e.g. `docker.io/library/busybox@sha256:…`). */
  imageRef: string;
  type: ContainerType;
  /** The sandbox it was created in; lets status code tell the current sandbox's containers
   *  from leftovers of an older attempt (upstream `ActiveContainerStatuses`). Optional. */
  podSandboxId?: string;
}

export interface PodRuntimeStatus {
  uid: string;
  name: string;
  namespace: string;
  /** Newest first (upstream sorts by `created_at`, `getSandboxIDByPodUID`). */
  sandboxes: SandboxStatus[];
  /** Every container instance the runtime still holds for this pod, any order. */
  containers: ContainerRuntimeStatus[];
}

/** Nanoseconds → milliseconds (the unit the Clock and Backoff use). */
export function nanosToMs(n: Nanos): number {
  return typeof n === 'bigint' ? Number(n / 1_000_000n) : Math.floor(n / 1_000_000);
}

export function isZeroTime(n: Nanos): boolean {
  return typeof n === 'bigint' ? n === 0n : n === 0;
}

function compareNanosDesc(a: Nanos, b: Nanos): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? -1 : 1;
}

/** Container instances newest first (by `createdAt`, ties keep input order) — the order upstream
 *  `GetPodStatus` returns them in, which every "latest status of X" lookup depends on. */
export function containersNewestFirst(status: PodRuntimeStatus): ContainerRuntimeStatus[] {
  return status.containers
    .map((c, i) => ({ c, i }))
    .sort((a, b) => compareNanosDesc(a.c.createdAt, b.c.createdAt) || a.i - b.i)
    .map(({ c }) => c);
}

/** Sandboxes newest first; callers normally already pass them so, this makes it certain. */
export function sandboxesNewestFirst(status: PodRuntimeStatus): SandboxStatus[] {
  return status.sandboxes
    .map((s, i) => ({ s, i }))
    .sort((a, b) => compareNanosDesc(a.s.createdAt, b.s.createdAt) || a.i - b.i)
    .map(({ s }) => s);
}

/** Upstream `PodStatus.FindContainerStatusByName`: the newest instance with that name. */
export function findContainerStatusByName(
  status: PodRuntimeStatus,
  name: string,
): ContainerRuntimeStatus | undefined {
  return containersNewestFirst(status).find((c) => c.name === name);
}

/** The pod IP(s) the kubelet would report: only from the newest sandbox, only if READY
 *  (upstream `GetPodStatus`, k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go). */
export function podIPsOf(status: PodRuntimeStatus): string[] {
  const newest = sandboxesNewestFirst(status)[0];
  if (!newest || newest.state !== 'SANDBOX_READY' || newest.ip === '') return [];
  return [newest.ip];
}

/** Containers of the current (newest) sandbox — upstream `ActiveContainerStatuses`. Containers
 *  without a `podSandboxId` are assumed to belong to it. */
export function activeContainers(status: PodRuntimeStatus): ContainerRuntimeStatus[] {
  const newest = sandboxesNewestFirst(status)[0];
  return status.containers.filter(
    (c) => c.podSandboxId === undefined || newest === undefined || c.podSandboxId === newest.id,
  );
}
