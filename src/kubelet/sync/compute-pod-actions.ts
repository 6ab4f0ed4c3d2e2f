/**
 * "Decide, then act": the pure decision half of the kubelet's pod sync — the counterpart of
 * upstream `computePodActions` (k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go). From the
 * pod spec and the runtime's current state it says whether to (re)create the sandbox, which
 * containers to kill (and why), which to start, and which of those CrashLoopBackOff will hold
 * back. The worker then carries the record out call by call, as upstream `SyncPod` does:
 * kill (whole pod or listed containers) → create sandbox → ephemeral → init → regular containers,
 * calling `doBackOff` right before each start.
 *
 * Not modelled: in-place resize (`ContainersToUpdate`), the `ContainerRestartRules` and
 * `RestartAllContainersOnContainerExits` alpha features.
 */

import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Backoff } from '../backoff.js';
import { findContainerStatusByName, type PodRuntimeStatus } from '../runtime-status.js';
import { containerChanged } from './container-changed.js';
import { checkBackOff } from './do-back-off.js';
import { computeInitContainerActions } from './init-container-actions.js';
import type { ContainerBackOff, KillReason, PodActions } from './pod-actions.js';
import { podSandboxChanged } from './pod-sandbox-changed.js';
import { probeResult, type ProbeResults } from './probe-results.js';
import {
  containerSucceeded,
  hasAnyRegularContainerCreated,
  podRestartPolicy,
  shouldContainerBeRestarted,
  shouldRestartOnFailure,
} from './restart-policy.js';

export interface ComputePodActionsContext {
  /** Clock time, ms (used for back-off windows in the reasons; the Backoff has its own clock). */
  now: number;
  /** The kubelet's crash-loop Backoff (`newCrashLoopBackOff`). Read only here, never advanced. */
  crashLoopBackOff?: Backoff;
  /** Published liveness/startup results, keyed by container ID. */
  probes?: ProbeResults;
}

function emptyActions(): PodActions {
  return {
    killPod: false,
    createSandbox: false,
    sandboxId: '',
    attempt: 0,
    sandboxChange: 'unchanged',
    initContainersToStart: [],
    containersToStart: [],
    ephemeralContainersToStart: [],
    containersToKill: {},
    backOff: [],
    reasons: [],
  };
}

export function computePodActions(pod: Pod, status: PodRuntimeStatus, ctx: ComputePodActionsContext): PodActions {
  const sandbox = podSandboxChanged(pod, status);
  const actions: PodActions = {
    ...emptyActions(),
    killPod: sandbox.changed,
    createSandbox: sandbox.changed,
    sandboxId: sandbox.sandboxId,
    attempt: sandbox.attempt,
    sandboxChange: sandbox.why,
  };
  actions.reasons.push(sandbox.description);
  const containers: Container[] = pod.spec?.containers ?? [];
  const initContainers: Container[] = pod.spec?.initContainers ?? [];

  if (sandbox.changed) {
    decideForNewSandbox(pod, status, actions, containers, initContainers);
    return withBackOff(pod, status, actions, ctx);
  }

  // Ephemeral containers start even before initialization completes, and never restart.
  (pod.spec?.ephemeralContainers ?? []).forEach((ec, i) => {
    if (!findContainerStatusByName(status, ec.name)) {
      actions.ephemeralContainersToStart.push(i);
      actions.reasons.push(`ephemeral container ${ec.name} has no status → start it`);
    }
  });

  const initialized = computeInitContainerActions(pod, status, actions, ctx.probes);
  if (actions.killPod || !initialized) {
    if (!actions.killPod && initContainers.length > 0) {
      actions.reasons.push('pod not initialized yet → regular containers wait');
    }
    return withBackOff(pod, status, actions, ctx);
  }

  let keepCount = 0;
  const restartOnFailure = shouldRestartOnFailure(pod);
  containers.forEach((container, idx) => {
    const s = findContainerStatusByName(status, container.name);

    if (!s || s.state !== 'running') {
      if (shouldContainerBeRestarted(container, pod, status)) {
        actions.containersToStart.push(idx);
        actions.reasons.push(describeStart(container, s?.state, s?.exitCode));
        if (s && s.state === 'unknown') {
          // It may still run somewhere: kill it first so two instances never run at once.
          actions.containersToKill[s.id] = {
            containerId: s.id,
            name: s.name,
            type: 'container',
            reason: 'Unknown',
            message: `Container is in "${s.state}" state, try killing it before restart`,
          };
        }
      } else if (s) {
        actions.reasons.push(
          `container ${container.name} exited (code ${s.exitCode}), restartPolicy ${podRestartPolicy(pod)} → leave it`,
        );
      }
      return;
    }

    // Running: kill it if its spec changed or a liveness/startup probe failed.
    let message: string;
    let reason: KillReason = '';
    let restart = restartOnFailure;
    if (containerChanged(container, s).changed) {
      message = `Container ${container.name} definition changed`;
      // A spec change restarts regardless of the restart policy.
      restart = true;
    } else if (probeResult(ctx.probes, 'liveness', s.id) === 'Failure') {
      message = `Container ${container.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (probeResult(ctx.probes, 'startup', s.id) === 'Failure') {
      message = `Container ${container.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keepCount++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push(idx);
    }
    actions.containersToKill[s.id] = { containerId: s.id, name: s.name, type: 'container', reason, message };
    actions.reasons.push(`${message} → kill${restart ? ' and start again' : ''}`);
  });

  if (keepCount === 0 && actions.containersToStart.length === 0) {
    actions.killPod = true;
    // Sidecars alone must not keep a pod alive.
    actions.initContainersToStart = [];
    actions.reasons.push('no container is running or to be started → kill the pod');
  }
  return withBackOff(pod, status, actions, ctx);
}

/** The branch taken when the sandbox must be (re)created. */
function decideForNewSandbox(
  pod: Pod,
  status: PodRuntimeStatus,
  actions: PodActions,
  containers: Container[],
  initContainers: Container[],
): void {
  if (!shouldRestartOnFailure(pod) && actions.attempt !== 0 && status.containers.length !== 0) {
    // restartPolicy Never and containers already ran: just kill what is left, no new sandbox.
    actions.createSandbox = false;
    actions.reasons.push('restartPolicy is Never and containers already ran → kill the pod, no new sandbox');
    return;
  }

  const toStart: number[] = [];
  containers.forEach((c, idx) => {
    if (podRestartPolicy(pod) === 'OnFailure' && containerSucceeded(c, status)) {
      actions.reasons.push(`container ${c.name} already succeeded and restartPolicy is OnFailure → skip it`);
      return;
    }
    toStart.push(idx);
  });

  if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, status)) {
    actions.createSandbox = false;
    actions.reasons.push('pod already initialized and nothing left to start → kill the pod, no new sandbox');
    return;
  }

  if (initContainers.length > 0) {
    // A new sandbox always starts over from the first init container (old ones are purged).
    actions.initContainersToStart = [0];
    actions.reasons.push(`new sandbox → purge init containers, start ${initContainers[0]?.name ?? 'init container 0'} first`);
    return;
  }
  actions.containersToStart = toStart;
  actions.reasons.push(
    `new sandbox → start ${toStart.length === 0 ? 'nothing' : toStart.map((i) => containers[i]?.name ?? i).join(', ')}`,
  );
}

function describeStart(container: Container, state: string | undefined, exitCode: number | undefined): string {
  switch (state) {
    case undefined:
      return `container ${container.name} has no status → start it`;
    case 'exited':
      return `container ${container.name} exited (code ${exitCode ?? 0}) → restart it`;
    case 'unknown':
      return `container ${container.name} is in unknown state → kill and start it`;
    default:
      return `container ${container.name} is ${state} but not running → start it`;
  }
}

/** Preview of `doBackOff` for every container the actions want to start. */
function withBackOff(pod: Pod, status: PodRuntimeStatus, actions: PodActions, ctx: ComputePodActionsContext): PodActions {
  const backOff = ctx.crashLoopBackOff;
  if (!backOff) return actions;
  const spec = pod.spec;
  const consider = (container: Container | undefined, type: ContainerBackOff['type'], index: number): void => {
    if (!container) return;
    const check = checkBackOff(pod, container, status, backOff);
    if (!check.inBackOff || check.message === undefined || check.finishedAtMs === undefined) return;
    const retryAtMs = check.finishedAtMs + check.delayMs;
    actions.backOff.push({
      name: container.name,
      type,
      index,
      key: check.key,
      delayMs: check.delayMs,
      retryAtMs,
      reason: 'CrashLoopBackOff',
      message: check.message,
    });
    const left = Math.max(0, Math.ceil((retryAtMs - ctx.now) / 1000));
    actions.reasons.push(`${container.name}: CrashLoopBackOff, ${check.message} (${left}s left)`);
  };
  for (const i of actions.ephemeralContainersToStart) {
    consider(spec?.ephemeralContainers?.[i] as Container | undefined, 'ephemeral', i);
  }
  for (const i of actions.initContainersToStart) consider(spec?.initContainers?.[i], 'init', i);
  for (const i of actions.containersToStart) consider(spec?.containers?.[i], 'container', i);
  return actions;
}
