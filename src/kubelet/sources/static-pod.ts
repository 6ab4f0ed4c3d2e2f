/**
 * What a pod looks like once a kubelet source has read it — upstream `applyDefaults` and
 * `generatePodName` (k8s:pkg/kubelet/config/common.go) for the file and HTTP sources, plus the
 * `kubernetes.io/config.source` annotation the config merger adds (k8s:pkg/kubelet/config/config.go).
 *
 * For a static pod (file or URL):
 * - UID: when the manifest has none, the hex MD5 of `host:<nodeName>` and `file:<path>` (file
 *   source) or `url:<url>` (HTTP source), then the pod object. Upstream hashes a deep printing of
 *   the Go object (newer kubelets use FNV-128a); crilab hashes the canonical JSON, so the values
 *   differ from a real node's but the behaviour is the same: any edit to the manifest gives a new
 *   UID, so the kubelet kills the old pod and starts a new one.
 * - name: `<name>-<lowercase nodeName>`, so static pods of different nodes never clash.
 * - namespace `default` when empty; `spec.nodeName` = this node;
 * - annotation `kubernetes.io/config.hash` = the UID (what a mirror pod points back with);
 * - file pods tolerate every `NoExecute` taint, so node problems never evict them.
 * Pods from the API server keep their UID and name (a scenario gives one, or `uid()` makes one).
 */

import { createHash } from 'node:crypto';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ApiserverSource, ConfigHashAnnotationKey, ConfigSourceAnnotationKey, FileSource, HTTPSource } from '../constants.js';
import { applyPodDefaults } from './pod-defaults.js';

/** Where a pod came from, as the kubelet's config sources name them. */
export type PodSource = typeof FileSource | typeof HTTPSource | typeof ApiserverSource;

export interface PreparePodOptions {
  /** The manifest file's path (file source) or the URL (HTTP source), hashed into the UID. */
  origin?: string;
  /** UID for an API pod that has none (e.g. a seeded faker's `string.uuid`). */
  uid?: () => string;
  /** Apply the API defaults (restartPolicy, grace period, pull policy, probe defaults…). Default true. */
  defaults?: boolean;
}

/** `generatePodName`: `<name>-<lowercase node name>`. */
export function generateStaticPodName(name: string, nodeName: string): string {
  return `${name}-${nodeName.toLowerCase()}`;
}

/** Stable JSON: keys sorted, so the hash depends only on the content. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The static pod UID (= config hash) for a defaulted manifest. */
export function staticPodUid(pod: Pod, source: typeof FileSource | typeof HTTPSource, nodeName: string, origin = ''): string {
  const h = createHash('md5');
  if (source === FileSource) {
    h.update(`host:${nodeName}`);
    h.update(`file:${origin}`);
  } else {
    h.update(`url:${origin}`);
  }
  h.update(canonicalJson(pod));
  return h.digest('hex');
}

/**
 * Turn a manifest into the pod the kubelet runs, as its source would: defaults, identity,
 * annotations. Never modifies `manifest`.
 */
export function preparePod(manifest: Pod, source: PodSource, nodeName: string, opts: PreparePodOptions = {}): Pod {
  const pod: Pod = structuredClone(manifest);
  if (opts.defaults ?? true) applyPodDefaults(pod);
  const meta: { uid?: string; name?: string; namespace?: string; annotations?: Record<string, string> } = { ...(pod.metadata ?? {}) };
  pod.metadata = meta;
  meta.namespace ||= 'default';
  pod.spec ??= { containers: [] };
  if (source === ApiserverSource) {
    if (!meta.uid) meta.uid = opts.uid ? opts.uid() : staticPodUid(pod, HTTPSource, nodeName, `api:${meta.namespace}/${meta.name}`);
  } else {
    if (!meta.uid) meta.uid = staticPodUid(pod, source, nodeName, opts.origin ?? '');
    meta.name = generateStaticPodName(meta.name ?? '', nodeName);
    pod.spec.nodeName = nodeName;
    meta.annotations = { ...(meta.annotations ?? {}), [ConfigHashAnnotationKey]: meta.uid };
    if (source === FileSource) {
      const tolerations = pod.spec.tolerations ?? [];
      if (!tolerations.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute' && !t.key)) {
        pod.spec.tolerations = [...tolerations, { operator: 'Exists', effect: 'NoExecute' }];
      }
    }
  }
  meta.annotations = { ...(meta.annotations ?? {}), [ConfigSourceAnnotationKey]: source };
  return pod;
}

/** Upstream `IsStaticPod`: the pod came from a file or a URL, not the API server. */
export function isStaticPodSource(pod: Pod): boolean {
  const s = pod.metadata?.annotations?.[ConfigSourceAnnotationKey];
  return s === FileSource || s === HTTPSource;
}
