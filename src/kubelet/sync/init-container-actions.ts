/**
 * What to do about init containers on a sync that keeps the sandbox — the counterpart of upstream
 * `computeInitContainerActions` (k8s:pkg/kubelet/kuberuntime/kuberuntime_container.go), the code
 * path used whenever the pod has a sidecar (and, with `LegacySidecarContainers` off, always; the
 * older `findNextInitContainerToRun` path gives the same answers for classic init containers).
 *
 * Rules:
 * - If a regular container is created or running, the pod was initialized earlier: classic init
 *   containers are never re-run (even if their records were garbage collected); only sidecars are
 *   kept running.
 * - Otherwise walk init containers from the LAST to the first (completed ones may have been
 *   removed, so the furthest one with a record tells the progress) and act on each:
 *   - created (never got started) → start it again;
 *   - running classic → wait; running sidecar → counts as initialized once started (startup probe
 *     passed, if it has one) and the next init container is started; a failed startup/liveness
 *     probe or a changed spec kills and restarts it;
 *   - exited sidecar → restart; exited classic with success → start the next one (or done if it
 *     was the last); failed classic → restart it, or with `restartPolicy: Never` kill the pod;
 *   - unknown → kill, then restart (classic + Never → kill the pod).
 * - Nothing started yet → start init container 0.
 * Returns whether the pod is initialized.
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { findContainerStatusByName, type PodRuntimeStatus } from '../runtime-status.js';
import { containerChanged } from './container-changed.js';
import type { PodActions } from './pod-actions.js';
import { probeResult, type ProbeResults } from './probe-results.js';
import { isInitContainerFailed, isRestartableInitContainer, shouldRestartOnFailure } from './restart-policy.js';

type Changes = Pick<PodActions, 'killPod' | 'initContainersToStart' | 'containersToKill' | 'reasons'>;

export function computeInitContainerActions(
  pod: Pod,
  status: PodRuntimeStatus,
  changes: Changes,
  probes?: ProbeResults,
): boolean {
  const initContainers: Container[] = pod.spec?.initContainers ?? [];
  if (initContainers.length === 0) return true;

  let podHasInitialized = false;
  for (const c of pod.spec?.containers ?? []) {
    const s = findContainerStatusByName(status, c.name);
    // Exited regular containers do not count: after a node reboot every container is exited and
    // the new sandbox must not be mistaken for an initialized one.
    if (s && (s.state === 'created' || s.state === 'running')) {
      podHasInitialized = true;
      break;
    }
  }

  let isPreviouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  // Collected last-to-first, reversed at the end so starts happen in spec order.
  const toStart: number[] = [];
  const kill = (id: string, c: Container, message: string, reason: '' | 'StartupProbe' | 'LivenessProbe' | 'Unknown'): void => {
    changes.containersToKill[id] = { containerId: id, name: c.name, type: 'init', reason, message };
  };

  for (let i = initContainers.length - 1; i >= 0; i--) {
    const container = initContainers[i] as Container;
    const sidecar = isRestartableInitContainer(container);
    const s = findContainerStatusByName(status, container.name);

    if (!s) {
      // A sidecar of an initialized pod whose record vanished: bring it back.
      if (isPreviouslyInitialized && sidecar) {
        toStart.push(i);
        changes.reasons.push(`sidecar ${container.name} has no status but the pod was initialized → start it`);
      }
      continue;
    }
    // After initialization only sidecars need attention.
    if (isPreviouslyInitialized && !sidecar) continue;

    switch (s.state) {
      case 'created':
        // Created but never started (the start RPC failed): start it again.
        toStart.push(i);
        changes.reasons.push(`init container ${container.name} is stuck in created → start it again`);
        break;

      case 'running': {
        if (!sidecar) {
          changes.reasons.push(`init container ${container.name} is running → wait for it to finish`);
          break;
        }
        if (container.startupProbe) {
          const startup = probeResult(probes, 'startup', s.id);
          if (startup === undefined) {
            changes.reasons.push(`sidecar ${container.name} is running, startup probe has not run yet → wait`);
            break;
          }
          if (startup !== 'Success') {
            if (startup === 'Failure') {
              kill(s.id, container, `Init container ${container.name} failed startup probe`, 'StartupProbe');
              toStart.push(i);
              changes.reasons.push(`sidecar ${container.name} failed its startup probe → kill and restart`);
            }
            break;
          }
        }
        if (i === initContainers.length - 1) {
          podHasInitialized = true;
        } else if (!isPreviouslyInitialized) {
          // Started for the first time: the next init container may go.
          toStart.push(i + 1);
          changes.reasons.push(`sidecar ${container.name} has started → start the next init container`);
        }
        if (containerChanged(container, s).changed) {
          kill(s.id, container, `Init container ${container.name} definition changed`, '');
          toStart.push(i);
          changes.reasons.push(`sidecar ${container.name} spec changed → kill and restart`);
          break;
        }
        if (container.livenessProbe) {
          const liveness = probeResult(probes, 'liveness', s.id);
          if (liveness === undefined) break;
          if (liveness === 'Failure') {
            kill(s.id, container, `Init container ${container.name} failed liveness probe`, 'LivenessProbe');
            toStart.push(i);
            changes.reasons.push(`sidecar ${container.name} failed its liveness probe → kill and restart`);
          }
        }
        break;
      }

      case 'exited':
        if (sidecar) {
          toStart.push(i);
          changes.reasons.push(`sidecar ${container.name} exited (code ${s.exitCode}) → restart it`);
          break;
        }
        if (isInitContainerFailed(s)) {
          if (!restartOnFailure) {
            changes.killPod = true;
            changes.initContainersToStart = [];
            changes.reasons.push(
              `init container ${container.name} failed (exit ${s.exitCode}${s.reason ? `, ${s.reason}` : ''}) and restartPolicy is Never → kill the pod`,
            );
            return false;
          }
          toStart.push(i);
          changes.reasons.push(`init container ${container.name} failed (exit ${s.exitCode}) → restart it`);
          break;
        }
        if (i === initContainers.length - 1) {
          podHasInitialized = true;
          changes.reasons.push(`init container ${container.name} completed, it was the last → pod initialized`);
        } else {
          toStart.push(i + 1);
          changes.reasons.push(
            `init container ${container.name} completed → start init container ${initContainers[i + 1]?.name ?? i + 1}`,
          );
        }
        break;

      default: {
        // unknown: it may still be running somewhere; kill before starting another instance.
        const message = `Init container is in "${s.state}" state, try killing it before restart`;
        if (sidecar) {
          kill(s.id, container, message, 'Unknown');
          toStart.push(i);
          changes.reasons.push(`sidecar ${container.name} is in unknown state → kill and restart`);
          break;
        }
        if (!restartOnFailure) {
          changes.killPod = true;
          changes.initContainersToStart = [];
          changes.reasons.push(`init container ${container.name} is in unknown state and restartPolicy is Never → kill the pod`);
          return false;
        }
        kill(s.id, container, message, 'Unknown');
        toStart.push(i);
        changes.reasons.push(`init container ${container.name} is in unknown state → kill and restart`);
      }
    }

    if (!isPreviouslyInitialized) isPreviouslyInitialized = true;
  }

  if (!isPreviouslyInitialized) {
    toStart.push(0);
    changes.reasons.push(`no init container has run yet → start ${initContainers[0]?.name ?? 'init container 0'}`);
  }

  changes.initContainersToStart.push(...toStart.reverse());
  return podHasInitialized;
}
