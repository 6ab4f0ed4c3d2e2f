/**
 * The kubelet's pod config merger (k8s:pkg/kubelet/config/config.go `podStorage.merge`): every
 * source sends its whole current set of pods (a SET); the merger compares it with what that
 * source sent last time and turns the difference into ADD, UPDATE and REMOVE for the kubelet.
 * A pod seen for the first time gets `kubernetes.io/config.seen` (the clock's time,
 * RFC 3339 with nanoseconds). A pod counts as updated when its spec, labels, annotations
 * (other than config.seen) or deletion fields changed — but a static pod's UID is the hash of
 * its manifest, so editing a manifest file shows up as REMOVE of the old pod and ADD of the new.
 */

import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../clock/clock.js';
import { rfc3339Nano } from '../../clock/clock.js';
import { ConfigFirstSeenAnnotationKey } from '../constants.js';
import type { PodSource } from './static-pod.js';

export interface PodConfigHandler {
  addPods(pods: Pod[], source: PodSource): void;
  updatePods(pods: Pod[], source: PodSource): void;
  removePods(pods: Pod[], source: PodSource): void;
}

function comparable(pod: Pod): string {
  const annotations = { ...(pod.metadata?.annotations ?? {}) };
  delete annotations[ConfigFirstSeenAnnotationKey];
  return JSON.stringify({
    spec: pod.spec,
    labels: pod.metadata?.labels ?? {},
    annotations,
    deletionTimestamp: pod.metadata?.deletionTimestamp,
    deletionGracePeriodSeconds: pod.metadata?.deletionGracePeriodSeconds,
  });
}

export class PodConfig {
  private readonly bySource = new Map<PodSource, Map<string, Pod>>();
  private readonly seen = new Set<PodSource>();

  constructor(
    private readonly clock: Clock,
    private readonly handler: PodConfigHandler,
  ) {}

  /** A source's complete set of pods (upstream `kubetypes.SET`). */
  set(source: PodSource, pods: readonly Pod[]): void {
    this.seen.add(source);
    const old = this.bySource.get(source) ?? new Map<string, Pod>();
    const next = new Map<string, Pod>();
    const adds: Pod[] = [];
    const updates: Pod[] = [];
    for (const incoming of pods) {
      const uid = incoming.metadata?.uid ?? '';
      if (next.has(uid)) continue; // the same pod twice in one set: the first wins, as upstream
      const previous = old.get(uid);
      if (!previous) {
        const pod = structuredClone(incoming);
        pod.metadata = { ...pod.metadata, annotations: { ...(pod.metadata?.annotations ?? {}), [ConfigFirstSeenAnnotationKey]: rfc3339Nano(this.clock.nowNanos()) } };
        next.set(uid, pod);
        adds.push(pod);
      } else if (comparable(previous) !== comparable(incoming)) {
        const pod = structuredClone(incoming);
        const seenAt = previous.metadata?.annotations?.[ConfigFirstSeenAnnotationKey];
        pod.metadata = { ...pod.metadata, annotations: { ...(pod.metadata?.annotations ?? {}), ...(seenAt ? { [ConfigFirstSeenAnnotationKey]: seenAt } : {}) } };
        next.set(uid, pod);
        updates.push(pod);
      } else {
        next.set(uid, previous);
      }
    }
    const removes = [...old.entries()].filter(([uid]) => !next.has(uid)).map(([, p]) => p);
    this.bySource.set(source, next);
    // Upstream order: removals, adds, updates.
    if (removes.length) this.handler.removePods(removes, source);
    if (adds.length) this.handler.addPods(adds, source);
    if (updates.length) this.handler.updatePods(updates, source);
  }

  /** The pods a source currently provides. */
  pods(source: PodSource): Pod[] {
    return [...(this.bySource.get(source)?.values() ?? [])];
  }

  /** Upstream `SeenAllSources`: every given source has sent at least one set. */
  seenAllSources(sources: readonly PodSource[]): boolean {
    return sources.every((s) => this.seen.has(s));
  }
}
