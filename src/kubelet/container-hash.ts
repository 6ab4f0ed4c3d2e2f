/**
 * The container spec hash the kubelet stores in annotation `io.kubernetes.container.hash` and
 * compares on every sync (`containerChanged`): a running container whose hash differs from its
 * spec is killed and recreated.
 *
 * Upstream (k8s:pkg/kubelet/container/helpers.go `HashContainer`, recent releases) hashes with
 * FNV-1a 32-bit, over a deep printing of the JSON of only the fields a pod update may change:
 * `pickFieldsToHash` = `{name, image}` (older kubelets hashed the whole container, so editing
 * e.g. `command` of a static pod would also restart it). crilab's documented equivalent:
 * FNV-1a 32-bit over the canonical JSON `{"image":…,"name":…}` (keys sorted, as Go's json.Marshal
 * of a map sorts them), printed as lower-case hex without padding (`strconv.FormatUint(h, 16)`).
 * Values therefore differ from a real kubelet's (which hashes spew's printing of those bytes), but
 * the behaviour — which edits restart a container — is the same.
 */

import type { Container } from 'kubernetes-types/core/v1.js';

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a 32-bit over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = FNV32_OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV32_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The fields upstream `pickFieldsToHash` keeps, as the canonical JSON that gets hashed. */
export function containerHashInput(container: Pick<Container, 'name' | 'image'>): string {
  return JSON.stringify({ image: container.image ?? '', name: container.name });
}

/** The hash as the kubelet writes it into the annotation: lower-case hex. */
export function hashContainer(container: Pick<Container, 'name' | 'image'>): string {
  return fnv1a32(containerHashInput(container)).toString(16);
}
