/**
 * `status.qosClass` — a small version of upstream `GetPodQOS`
 * (k8s:pkg/apis/core/v1/helper/qos/qos.go): BestEffort when no container asks for cpu or memory,
 * Guaranteed when every container has cpu and memory limits equal to its requests (a request
 * defaults to its limit), Burstable otherwise. Quantities are compared as written.
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';

export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

const TRACKED = ['cpu', 'memory'] as const;

export function getPodQOS(pod: Pod): QOSClass {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = c.resources?.limits ?? {};
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    for (const r of TRACKED) {
      const req = requests[r];
      const lim = limits[r];
      if (req !== undefined || lim !== undefined) anySet = true;
      if (lim === undefined || req === undefined || String(req) !== String(lim)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
