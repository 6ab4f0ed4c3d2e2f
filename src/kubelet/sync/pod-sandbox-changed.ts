/**
 * Does the pod need a new sandbox? The counterpart of upstream `PodSandboxChanged`
 * (k8s:pkg/kubelet/kuberuntime/util/util.go). It looks only at the sandboxes, newest first, and
 * answers (changed, attempt for the next sandbox, sandbox ID to carry on). The checks run in
 * upstream order; the first that fires decides:
 *
 * | check                                     | changed | attempt | sandboxId |
 * |-------------------------------------------|---------|---------|-----------|
 * | no sandbox at all                         | yes     | 0       | ""        |
 * | more than one sandbox is SANDBOX_READY    | yes     | max+1   | newest    |
 * | newest sandbox is not SANDBOX_READY       | yes     | max+1   | newest    |
 * | network namespace mode ≠ pod.hostNetwork  | yes     | max+1   | ""        |
 * | not hostNetwork and sandbox IP is ""      | yes     | max+1   | newest    |
 * | otherwise                                 | no      | max     | newest    |
 *
 * `max` is the highest `metadata.attempt` over *all* sandboxes, not just the newest.
 */

import type { Pod } from 'kubernetes-types/core/v1.js';
import { sandboxesNewestFirst, type PodRuntimeStatus } from '../runtime-status.js';

export type SandboxChangeReason =
  | 'no-sandbox'
  | 'multiple-ready'
  | 'not-ready'
  | 'network-namespace-changed'
  | 'no-ip'
  | 'unchanged';

export interface SandboxChange {
  changed: boolean;
  /** `metadata.attempt` for the sandbox to use (new or kept). */
  attempt: number;
  /** Existing sandbox ID passed on ("" when there is none or the netns mode changed). */
  sandboxId: string;
  why: SandboxChangeReason;
  /** One line for the UI, e.g. "sandbox changed: no IP → recreate, attempt 1". */
  description: string;
}

function short(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

export function podSandboxChanged(pod: Pod, status: PodRuntimeStatus): SandboxChange {
  const sandboxes = sandboxesNewestFirst(status);
  const newest = sandboxes[0];
  if (!newest) {
    return {
      changed: true,
      attempt: 0,
      sandboxId: '',
      why: 'no-sandbox',
      description: 'no sandbox yet → create one, attempt 0',
    };
  }

  let readyCount = 0;
  let maxAttempt = 0;
  for (const s of sandboxes) {
    if (s.state === 'SANDBOX_READY') readyCount++;
    if (s.attempt > maxAttempt) maxAttempt = s.attempt;
  }
  const next = maxAttempt + 1;

  if (readyCount > 1) {
    return {
      changed: true,
      attempt: next,
      sandboxId: newest.id,
      why: 'multiple-ready',
      description: `sandbox changed: ${readyCount} sandboxes are SANDBOX_READY → recreate, attempt ${next}`,
    };
  }
  if (newest.state !== 'SANDBOX_READY') {
    return {
      changed: true,
      attempt: next,
      sandboxId: newest.id,
      why: 'not-ready',
      description: `sandbox changed: ${short(newest.id)} is ${newest.state} → recreate, attempt ${next}`,
    };
  }
  const podHostNetwork = pod.spec?.hostNetwork === true;
  if (newest.hostNetwork !== podHostNetwork) {
    const mode = (host: boolean): string => (host ? 'NODE' : 'POD');
    return {
      changed: true,
      attempt: next,
      // Upstream passes no ID here: the old sandbox is still killed via KillPod (all sandboxes).
      sandboxId: '',
      why: 'network-namespace-changed',
      description: `sandbox changed: network namespace ${mode(newest.hostNetwork)} → ${mode(podHostNetwork)} → recreate, attempt ${next}`,
    };
  }
  if (!podHostNetwork && newest.ip === '') {
    return {
      changed: true,
      attempt: next,
      sandboxId: newest.id,
      why: 'no-ip',
      description: `sandbox changed: no IP → recreate, attempt ${next}`,
    };
  }
  return {
    changed: false,
    attempt: maxAttempt,
    sandboxId: newest.id,
    why: 'unchanged',
    description: `sandbox ${short(newest.id)} is SANDBOX_READY${podHostNetwork ? ' (host network)' : ` with IP ${newest.ip}`} → keep, attempt ${maxAttempt}`,
  };
}
