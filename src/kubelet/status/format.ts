/**
 * How the API writes the values the kubelet puts in a pod status: `metav1.Time` marshals as
 * RFC 3339 in UTC with whole seconds (`2006-01-02T15:04:05Z`, k8s.io/apimachinery
 * pkg/apis/meta/v1/time.go), and container IDs as `<runtime>://<id>` (upstream
 * `kubecontainer.ContainerID.String()`, k8s:pkg/kubelet/container/runtime.go).
 */

import { isZeroTime, nanosToMs, type Nanos } from '../runtime-status.js';

/** RFC 3339, UTC, seconds precision (sub-second part truncated, as Go's marshalling does). */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A runtime timestamp (ns) as the API shows it; undefined for the zero time (JSON `null`). */
export function apiTimeFromNanos(n: Nanos): string | undefined {
  return isZeroTime(n) ? undefined : rfc3339Seconds(nanosToMs(n));
}

/** `containerd://<id>`. */
export function kubeContainerId(runtimeName: string, id: string): string {
  return `${runtimeName}://${id}`;
}

/** Go's `%s` of a `[]string`: `[a b c]`. Upstream messages print name lists this way. */
export function goStringSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
